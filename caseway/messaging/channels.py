"""Channels: how an outbox row leaves the system. One backend per channel, chosen by setting.

``settings.MESSAGING_SMS_BACKEND`` (``CASEWAY_SMS_BACKEND``) and ``settings.MESSAGING_EMAIL_BACKEND``
(``CASEWAY_NOTIFICATION_EMAIL_BACKEND``) name a class with ``send(*, notification_id, destination, text)``
returning a ``Result``. Backends never log a destination or a text (DESIGN.md: values never go into
logs), only the notification id and a code.

- ``ConsoleSmsBackend`` (the default until a gateway is configured: issue 7) delivers nothing. It
  answers "sent" with the code ``console_not_delivered``, so nobody reads the outbox as proof that a
  client received anything.
- ``FileSmsBackend`` (development and demos only; refused in production) appends each SMS, number
  and text included, as one JSON line to ``CASEWAY_SMS_FILE`` (default ``var/sms-outbox.jsonl``,
  readable by its owner only): code ``file_written``. The demo's numbers are fictional.
- ``DjangoEmailBackend`` hands the message to Django's mailer (SMTP in production, locmem in tests):
  code ``email_handed_to_mailer``, which is as far as email can tell.
- ``HttpGatewaySmsBackend`` posts to an SMS gateway: ``CASEWAY_SMS_GATEWAY_URL`` (https outside
  development), a bearer token (``CASEWAY_SMS_GATEWAY_TOKEN``) or a user and password
  (``CASEWAY_SMS_GATEWAY_USER`` / ``_PASSWORD``), and a sender name (``CASEWAY_SMS_GATEWAY_SENDER``).
  The body is JSON: ``{"to", "text", "from", "reference"}`` (the reference is the outbox row's id,
  nothing else). A 2xx answer is ``gateway_accepted``; 4xx ``gateway_refused_<status>``; 5xx,
  timeouts and network errors ``gateway_unavailable``: all failures are retried by the outbox with
  backoff. The gateway's answer body is never read into a log (it may quote the number).
"""

import base64
import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils import timezone
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


FILE_WRITTEN = "file_written"


class FileSmsBackend(Backend):
    """Development: what would be sent, in a file one can read (module docstring)."""

    def __init__(self):
        if settings.MODE == "production":
            raise ImproperlyConfigured("FileSmsBackend writes numbers and texts in clear: not in production.")
        self.path = Path(settings.MESSAGING_SMS_FILE)

    def send(self, *, notification_id, destination, text) -> Result:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        line = {"at": timezone.now().isoformat(), "reference": str(notification_id), "to": destination, "text": text}
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        logger.info("messaging.sms_written_to_file notification=%s", notification_id)
        return Result(ok=True, code=FILE_WRITTEN)


GATEWAY_ACCEPTED = "gateway_accepted"
GATEWAY_UNAVAILABLE = "gateway_unavailable"


class HttpGatewaySmsBackend(Backend):
    """SMS through a generic HTTP gateway configured by URL and credentials (module docstring)."""

    def __init__(self):
        self.url = settings.MESSAGING_SMS_GATEWAY_URL
        if not self.url:
            raise ImproperlyConfigured("HttpGatewaySmsBackend needs CASEWAY_SMS_GATEWAY_URL.")
        if not self.url.startswith("https://") and not settings.DEBUG and settings.MODE == "production":
            raise ImproperlyConfigured("CASEWAY_SMS_GATEWAY_URL must use https: the text and the number travel in it.")

    def _headers(self):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.MESSAGING_SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.MESSAGING_SMS_GATEWAY_TOKEN}"
        elif settings.MESSAGING_SMS_GATEWAY_USER:
            pair = f"{settings.MESSAGING_SMS_GATEWAY_USER}:{settings.MESSAGING_SMS_GATEWAY_PASSWORD}".encode()
            headers["Authorization"] = f"Basic {base64.b64encode(pair).decode()}"
        return headers

    def send(self, *, notification_id, destination, text) -> Result:
        body = json.dumps(
            {
                "to": destination,
                "text": text,
                "from": settings.MESSAGING_SMS_GATEWAY_SENDER,
                "reference": str(notification_id),
            }
        ).encode()
        request = urllib.request.Request(self.url, data=body, headers=self._headers(), method="POST")  # noqa: S310 (scheme checked)
        try:
            with urllib.request.urlopen(request, timeout=settings.MESSAGING_SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError, OSError):
            logger.info("messaging.sms_gateway_unavailable notification=%s", notification_id)
            return Result(ok=False, code=GATEWAY_UNAVAILABLE)
        if 200 <= status < 300:
            logger.info("messaging.sms_gateway_accepted notification=%s", notification_id)
            return Result(ok=True, code=GATEWAY_ACCEPTED)
        code = f"gateway_refused_{status}" if status < 500 else GATEWAY_UNAVAILABLE
        logger.info("messaging.sms_gateway_failed notification=%s status=%s", notification_id, status)
        return Result(ok=False, code=code)


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
