"""Object-scoped URLs of the case team's portal page (see caseway/tests/object_urls.py)."""

from caseway.portal import request_services
from caseway.portal.tests.helpers import a_portal_case, an_account


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    return ObjectCase(*args, **kwargs)


def _case(personas, *, method="get", data=None):
    case = a_portal_case(personas)
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk}, method=method, data=data or {})


def _request(personas):
    account = an_account(personas)
    asked = request_services.request_create(account=account, kind="new", preferred_times="Any morning")
    return _object_case(
        personas.caseworker_a, personas.outsider, {"case_pk": account.case.pk, "pk": asked.pk}, method="post"
    )


def _document(personas):
    from caseway.lib.tests.test_uploads import a_pdf
    from caseway.portal import document_services

    account = an_account(personas)
    document = document_services.document_upload(account=account, kind="certificate", data=a_pdf())
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": account.case.pk, "pk": document.pk})


def _attachment(personas):
    from caseway.casework.tests.appointment_helpers import member
    from caseway.lib.tests.test_uploads import a_pdf
    from caseway.messaging import thread_services

    case = a_portal_case(personas)
    message = thread_services.message_to_client(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=case, body="", attachment=a_pdf()
    )
    attachment = message.attachments.get()
    return _object_case(personas.caseworker_a, personas.outsider, {"case_pk": case.pk, "pk": attachment.pk})


OBJECT_URLS = {
    "portal_staff:case_portal": _case,
    "portal_staff:case_portal_invite": lambda personas: _case(personas, method="post"),
    "portal_staff:case_portal_request_handled": _request,
    "portal_staff:case_document": _document,
    "portal_staff:case_attachment": _attachment,
}
