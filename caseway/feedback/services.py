from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caseway import audit
from caseway.feedback.models import Feedback
from caseway.vault.services import data_key_create

TEXT_MAX_LENGTH = 4000


def feedback_submit(*, account, kind, text, anonymous) -> Feedback:
    """What the client sends from the portal; anonymous: nothing in it points back at them."""
    text = (text or "").strip()
    if kind not in Feedback.Kind.values:
        raise ValidationError({"kind": _("Choose what you want to send.")})
    if not text:
        raise ValidationError({"text": _("Write what you want to tell us.")})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({"text": _("Keep it under %(count)d characters.") % {"count": TEXT_MAX_LENGTH}})
    with transaction.atomic():
        feedback = Feedback.objects.create(
            kind=kind,
            organization_id=account.case.organization_id,
            client=None if anonymous else account.client,
            data_key=data_key_create(),
            text=text,
        )
        # Not the client, and no account, for an anonymous message: the log would name them.
        audit.record(
            None,
            "feedback.received",
            feedback,
            fields=["kind", "text"] + ([] if anonymous else ["client"]),
            organization=account.case.organization_id,
            actor_label="portal:anonymous" if anonymous else "portal:client",
        )
    return feedback
