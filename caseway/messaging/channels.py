"""Channels: how an outbox row leaves the system. One backend per channel, chosen by setting.

``settings.MESSAGING_SMS_BACKEND`` (``CASEWAY_SMS_BACKEND``) and ``settings.MESSAGING_EMAIL_BACKEND``
(``CASEWAY_NOTIFICATION_EMAIL_BACKEND``) name a class with ``send(*, notification_id, destination, text)``
returning a ``Result``. Backends never log a destination or a text (DESIGN.md: values never go into
logs), only the notification id and a code.

- ``ConsoleSmsBackend`` (the default until a gateway is configured: issue 7) delivers nothing. It
  answers "sent" with the code ``console_not_delivered``, so nobody reads the outbox as proof that a
  client received anything.
- ``DjangoEmailBackend`` hands the message to Django's mailer (SMTP in production, locmem in tests):
  code ``email_handed_to_mailer``, which is as far as email can tell.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("caseway.messaging")

CONSOLE_NOT_DELIVERED = "console_not_delivered"
EMAIL_HANDED_TO_MAILER = "email_handed_to_mailer"


@dataclass(frozen=True)
class Result:
    ok: bool  # False: a failed attempt, to retry
    code: str  # what happened, as a code (never a value)


class Backend:
    """What a channel backend does. Subclasses implement ``send``."""

    def send(self, *, notification_id, destination: str, text: str) -> Result:
        raise NotImplementedError


class ConsoleSmsBackend(Backend):
    """Development and demo: records in the outbox only; no network, no content in the log."""

    def send(self, *, notification_id, destination, text) -> Result:
        logger.info("messaging.sms_not_delivered backend=console notification=%s", notification_id)
        return Result(ok=True, code=CONSOLE_NOT_DELIVERED)


class DjangoEmailBackend(Backend):
    """Email through Django's configured mailer; the subject is the portal's neutral name only."""

    def send(self, *, notification_id, destination, text) -> Result:
        send_mail(subject=settings.PORTAL_SITE_NAME, message=text, from_email=None, recipient_list=[destination])
        logger.info("messaging.email_handed_to_mailer notification=%s", notification_id)
        return Result(ok=True, code=EMAIL_HANDED_TO_MAILER)


SETTINGS = {"sms": "MESSAGING_SMS_BACKEND", "email": "MESSAGING_EMAIL_BACKEND"}


def backend_for(channel: str) -> Backend:
    """The configured backend of ``channel`` ("sms" or "email")."""
    setting = SETTINGS.get(channel)
    if setting is None:
        raise ImproperlyConfigured(f"No backend for the channel {channel!r}.")
    path = getattr(settings, setting)
    try:
        backend_class = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"{setting} names {path!r}, which cannot be imported.") from error
    if not (isinstance(backend_class, type) and issubclass(backend_class, Backend)):
        raise ImproperlyConfigured(f"{setting} must name a subclass of caseway.messaging.channels.Backend.")
    return backend_class()
