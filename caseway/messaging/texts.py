"""The words of a notification: fixed, neutral, in the client's language.

Someone else may read the phone. So a reminder says only that there is an appointment, when, and
to get in touch if the client cannot come: no name, no code, no organization (the deployment's
neutral ``PORTAL_SITE_NAME`` signs it, the name the portal shows), no kind of appointment, no
place. A new message says only that there is one.
"""

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from caseway.messaging.safe_times import site_zone

# ISO 639-2/3 codes a client record may hold, for the languages the site speaks.
THREE_LETTER = {"eng": "en", "fra": "fr", "fre": "fr", "ara": "ar", "spa": "es"}
THREE_LETTER_OF = {"en": "eng", "fr": "fra", "ar": "ara", "es": "spa"}


def client_language(client) -> str:
    """The first of the client's languages that the site speaks, else the deployment default."""
    spoken = {code for code, _name in settings.LANGUAGES}
    for language in client.languages or ():
        code = str(language).strip().lower()
        code = THREE_LETTER.get(code, code.split("-")[0])
        if code in spoken:
            return code
    return settings.LANGUAGE_CODE


def appointment_reminder(starts_at, language: str) -> str:
    """ "Reminder: appointment on Tue 3 Dec at 10:00. …", on the site's clock, in ``language``."""
    local = starts_at.astimezone(site_zone())
    with translation.override(language):
        return _("%(site)s. Reminder: appointment on %(day)s at %(time)s. Reply or call if you cannot come.") % {
            "site": settings.PORTAL_SITE_NAME,
            "day": date_format(local, "D j M"),
            "time": time_format(local, "H:i"),
        }


def new_message(language: str) -> str:
    """ "You have a new message. Log in to read it.", signed with the neutral name, in ``language``."""
    with translation.override(language):
        return _("%(site)s. You have a new message. Log in to read it.") % {"site": settings.PORTAL_SITE_NAME}
