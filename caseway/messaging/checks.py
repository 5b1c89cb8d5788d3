"""System checks of the messaging channels: a backend that cannot be loaded stops the start; a
production site whose SMS still goes to the console (delivers nothing) is told so by ``check --deploy``
(an Info: ``bin/check-deploy`` fails on warnings, and the console is the default until a gateway exists)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from caseway.messaging import channels

CONSOLE = "caseway.messaging.channels.ConsoleSmsBackend"


@checks.register()
def check_channel_backends(app_configs, **kwargs):
    errors = []
    for channel, setting in channels.SETTINGS.items():
        try:
            channels.backend_for(channel)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), hint=f"Set {setting} to a channel backend.", id="messaging.E001"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_sms_is_delivered(app_configs, **kwargs):
    if settings.MODE != "production" or settings.MESSAGING_SMS_BACKEND != CONSOLE:
        return []
    return [
        checks.Info(
            "SMS reminders go to the console backend: they are recorded, never delivered.",
            hint="Set CASEWAY_SMS_BACKEND to a gateway backend when one is available.",
            id="messaging.I001",
        )
    ]
