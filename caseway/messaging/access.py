"""Who may read a thread, and nobody else (404, as if it did not exist):

- a client thread: staff who may open its case (``clients.access``); the client, only the thread of
  their portal account's case (``portal`` asks here);
- an interagency thread on a referral: staff of the sending and of the receiving organization who
  may see the referral (``referrals.access``), once it was sent (a draft has no other party yet).
"""

from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404

from caseway.clients import access as client_access
from caseway.messaging.models import Message, Thread
from caseway.referrals import access as referral_access
from caseway.referrals.models import Status as ReferralStatus

INBOX_SHOWN = 50


def get_case_for_messages(membership, case_pk):
    """The case, if ``membership`` may open it (and so read and write its client thread); else 404."""
    return client_access.get_case_for_member(membership, case_pk)


def client_thread_of(case) -> Thread | None:
    return Thread.objects.filter(case=case, kind=Thread.Kind.CLIENT).first()


def inbox(membership):
    """The client threads of the cases ``membership`` may open, those with a message the member has
    not read first, then the most recent; each with ``client_code`` and ``unread``."""
    unread = Message.objects.filter(thread=OuterRef("pk"), from_client=True).exclude(
        reads__reader_id=membership.user_id
    )
    return (
        Thread.objects.filter(client_access.of_visible_case(membership))
        .filter(kind=Thread.Kind.CLIENT, last_message_at__isnull=False)
        .annotate(unread=Exists(unread), client_code=F("case__client__code"))
        .order_by("-unread", "-last_message_at", "pk")
    )


def get_referral_for_messages(membership, pk):
    """The referral, if ``membership`` is on either side of it and it was sent; else 404."""
    referral = referral_access.get_referral_for_member(membership, pk)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404
    return referral


def referral_thread_of(referral) -> Thread | None:
    return Thread.objects.filter(referral=referral, kind=Thread.Kind.INTERAGENCY).first()


def referral_threads_of_case(membership, case):
    """The interagency threads of the referrals ``case`` sent or received that ``membership`` may
    see (sent ones only), most recent first: a case's conversations with other organizations."""
    referrals = referral_access.visible_referrals(membership).exclude(status=ReferralStatus.DRAFT)
    mine = referrals.filter(Q(from_case=case) | Q(to_case=case)).values("pk")
    return (
        Thread.objects.filter(kind=Thread.Kind.INTERAGENCY, referral__in=mine, last_message_at__isnull=False)
        .select_related("referral__from_organization", "referral__to_organization")
        .order_by("-last_message_at", "pk")
    )
