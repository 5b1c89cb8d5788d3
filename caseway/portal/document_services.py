"""Documents the client uploads on the portal, and the case team's reading of them.

The client uploads (``lib/uploads.check_file``: type by content, no archives or hidden files, images
re-encoded without metadata) up to ``UPLOAD_MAX_MB``; the copy kept is encrypted under the
client's data key. Both sides may download; a member of staff's download is an audited read.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from caseway import audit
from caseway.casework.plan_services import require
from caseway.lib import uploads
from caseway.messaging import access as messaging_access
from caseway.portal.models import Document

CLIENT_LABEL = "portal:client"


def max_bytes() -> int:
    return uploads.limit()


def document_upload(*, account, kind, data: bytes) -> Document:
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Choose what the document is.")})
    checked = uploads.check_file(data, max_bytes=max_bytes())
    with transaction.atomic():
        document = Document.objects.create(
            account=account,
            case=account.case,
            data_key_id=account.client.data_key_id,
            kind=kind,
            content_type=checked.content_type,
            size=len(checked.content),
            content=checked.content,
        )
        audit.record(
            None,
            "portal.document_uploaded",
            document,
            fields=["content"],
            organization=account.case.organization_id,
            actor_label=CLIENT_LABEL,
        )
    return document


def my_documents(account):
    return Document.objects.filter(account=account, case_id=account.case_id).defer("content")


def get_my_document(account, pk) -> Document:
    document = Document.objects.filter(account=account, case_id=account.case_id, pk=pk).first()
    if document is None:
        raise Http404
    return document


def case_documents(membership, case):
    messaging_access.get_case_for_messages(membership, case.pk)
    return Document.objects.filter(case=case).defer("content")


def document_read_by_staff(*, actor, membership, case, pk, request=None) -> Document:
    """The document, for whoever may open its case (404 otherwise); the read is audited."""
    require(membership)
    case = messaging_access.get_case_for_messages(membership, case.pk)
    document = Document.objects.filter(case=case, pk=pk).first()
    if document is None:
        raise Http404
    audit.record(
        actor,
        "portal.document_read",
        document,
        fields=["content"],
        organization=membership.organization_id,
        request=request,
    )
    return document
