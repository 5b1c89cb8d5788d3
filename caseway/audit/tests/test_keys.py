import pytest
from django.core.exceptions import ImproperlyConfigured

from caseway.audit.checks import check_audit_key
from caseway.audit.keys import audit_key, parse_audit_key

SHORT_KEY = "c2hvcnQ="  # base64 of "short"


def test_it_reads_the_32_byte_key_from_settings(settings):
    settings.AUDIT_KEY = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="

    assert audit_key() == b"A" * 32


@pytest.mark.parametrize("value", ["", "not base64!", SHORT_KEY])
def test_it_refuses_a_missing_or_malformed_key(value):
    with pytest.raises(ImproperlyConfigured):
        parse_audit_key(value)


def test_the_system_check_reports_a_malformed_key(settings):
    settings.AUDIT_KEY = SHORT_KEY

    assert [error.id for error in check_audit_key(None)] == ["caseway.audit.E001"]


def test_the_system_check_accepts_a_good_key(settings):
    settings.AUDIT_KEY = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="

    assert check_audit_key(None) == []
