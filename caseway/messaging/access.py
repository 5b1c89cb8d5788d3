"""Who may read a thread, and nobody else (404, as if it did not exist):

- a client thread: staff who may open its case (``clients.access``); the client, only the thread of
  their portal account's case (``portal`` asks here);
- an interagency thread on a referral: staff of the sending and of the receiving organization who
  may see the referral (``referrals.access``), once it was sent (a draft has no other party yet);
- an interagency thread on a case, with a partner organization: staff who may open the case, and
  staff of the partner who may open their own case of the same client; and only while the client
  agrees to share something with the partner (``consent.shared_categories``): a withdrawal hides
  the thread from both sides at once. The partners of a case are the other organizations that
  hold a case of the client and with which the client shares something.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404

from caseway.clients import access as client_access
from caseway.clients import consent
from caseway.clients.models import Case
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


def case_partners(case):
    """The organizations ``case``'s team may write with about its client (module docstring)."""
    others = (
        Case.objects.filter(client_id=case.client_id, client__erased_at__isnull=True)
        .exclude(organization_id=case.organization_id)
        .select_related("organization")
        .order_by("organization__name")
    )
    partners = []
    for other in others:
        if other.organization not in partners and consent.shared_categories(case.client, other.organization):
            partners.append(other.organization)
    return partners


def get_partner_for_case(membership, case_pk, organization_pk):
    """(case, partner organization) for a new or existing thread; 404 unless the rule holds."""
    case = get_case_for_messages(membership, case_pk)
    for partner in case_partners(case):
        if partner.pk == organization_pk:
            return case, partner
    raise Http404


def _partner_may_read(membership, thread) -> bool:
    if membership.organization_id != thread.other_organization_id:
        return False
    own_case = client_access.visible_cases(membership).filter(client_id=thread.case.client_id)
    return own_case.exists()


def get_case_thread_for_member(membership, pk) -> Thread:
    """An interagency thread on a case, for either side while the rule holds; else 404."""
    thread = (
        Thread.objects.select_related("case__client", "case__organization", "other_organization")
        .filter(pk=pk, kind=Thread.Kind.INTERAGENCY, case__isnull=False)
        .first()
    )
    if thread is None or thread.case.client.erased_at is not None:
        raise Http404
    if membership.organization_id == thread.case.organization_id:
        get_case_for_messages(membership, thread.case_id)
    elif not _partner_may_read(membership, thread):
        raise Http404
    if not consent.shared_categories(thread.case.client, thread.other_organization):
        raise Http404
    return thread


def case_threads_with_partners(membership, case):
    """The interagency threads about ``case``'s client that ``membership`` may read: those of the
    case itself, and those another organization opened on its own case with ``membership``'s."""
    mine = Thread.objects.filter(kind=Thread.Kind.INTERAGENCY, case=case)
    theirs = Thread.objects.filter(
        kind=Thread.Kind.INTERAGENCY,
        case__client_id=case.client_id,
        other_organization_id=membership.organization_id,
    )
    threads = (mine | theirs).select_related("case__client", "case__organization", "other_organization")
    readable = []
    for thread in threads.order_by("-last_message_at", "pk"):
        try:
            readable.append(get_case_thread_for_member(membership, thread.pk))
        except Http404:
            continue
    return readable
