"""Channel backend checks: an unloadable backend is an error; console SMS in production a deploy notice."""

from django.test import override_settings

from caseway.messaging.checks import check_channel_backends, check_sms_is_delivered


def test_it_accepts_the_default_backends():
    assert check_channel_backends(app_configs=None) == []


def test_it_refuses_a_backend_it_cannot_load_or_that_is_not_one():
    for path in ("caseway.messaging.nowhere.Backend", "caseway.messaging.channels.Result"):
        with override_settings(MESSAGING_SMS_BACKEND=path):
            errors = check_channel_backends(app_configs=None)
        assert [error.id for error in errors] == ["messaging.E001"]
        assert "MESSAGING_SMS_BACKEND" in errors[0].msg


def test_it_warns_a_production_site_whose_sms_delivers_nothing():
    with override_settings(MODE="production"):
        assert [warning.id for warning in check_sms_is_delivered(app_configs=None)] == ["messaging.I001"]
    with override_settings(MODE="production", MESSAGING_SMS_BACKEND="some.gateway.Backend"):
        assert check_sms_is_delivered(app_configs=None) == []
    assert check_sms_is_delivered(app_configs=None) == []  # test mode
