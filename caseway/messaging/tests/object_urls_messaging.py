"""Object-scoped URLs of messaging (see caseway/tests/object_urls.py)."""

from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral


def _referral(personas):
    from caseway.tests.object_urls import ObjectCase  # here: that module imports this one

    referral = a_referral(personas, Status.SENT)
    return ObjectCase(personas.caseworker_a, personas.outsider, {"pk": referral.pk})


def _referral_attachment(personas):
    from caseway.lib.tests.test_uploads import a_pdf
    from caseway.messaging import thread_services
    from caseway.tests.object_urls import ObjectCase

    referral = a_referral(personas, Status.SENT)
    membership = personas.caseworker_a.memberships.get()
    message = thread_services.message_on_referral(
        actor=personas.caseworker_a, membership=membership, referral=referral, body="", attachment=a_pdf()
    )
    attachment = message.attachments.get()
    return ObjectCase(personas.caseworker_a, personas.outsider, {"pk": referral.pk, "attachment_pk": attachment.pk})


def _case(personas):
    from caseway.casework.tests.appointment_helpers import a_client_case
    from caseway.tests.object_urls import ObjectCase

    return ObjectCase(personas.caseworker_a, personas.outsider, {"pk": a_client_case(personas).pk})


def _partner_thread(personas, *, attachment=False):
    from caseway.lib.tests.test_uploads import a_pdf
    from caseway.messaging import thread_services
    from caseway.tests.object_urls import ObjectCase

    referral = a_referral(personas, Status.ACCEPTED)
    referral.refresh_from_db()
    membership = personas.caseworker_a.memberships.get()
    thread = thread_services.partner_thread_open(membership=membership, case=referral.from_case, partner=personas.org_b)
    if not attachment:
        return ObjectCase(personas.caseworker_a, personas.outsider, {"pk": thread.pk})
    message = thread_services.message_with_partner(
        actor=personas.caseworker_a, membership=membership, thread=thread, body="", attachment=a_pdf()
    )
    return ObjectCase(
        personas.caseworker_a, personas.outsider, {"pk": thread.pk, "attachment_pk": message.attachments.get().pk}
    )


def _partner_start(personas):
    from caseway.tests.object_urls import ObjectCase

    referral = a_referral(personas, Status.ACCEPTED)
    referral.refresh_from_db()
    return ObjectCase(
        personas.caseworker_a,
        personas.outsider,
        {"case_pk": referral.from_case_id, "organization_pk": personas.org_b.pk},
        method="post",
    )


OBJECT_URLS = {
    "messaging:referral_thread": _referral,
    "messaging:referral_attachment": _referral_attachment,
    "api:referral_messages": _referral,
    "api:case_messages": _case,
    "messaging:partner_thread": _partner_thread,
    "messaging:partner_attachment": lambda personas: _partner_thread(personas, attachment=True),
    "messaging:partner_thread_start": _partner_start,
}
