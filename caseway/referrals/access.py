"""The only ways views, the API and exports reach referrals.

A referral is visible to the staff who may see personal data of its two parties: the sending
organization (always, drafts included) and the receiving organization (once sent: a draft is
the sender's own business). Nobody else: another organization, or a role without personal data
(admin, coordinator, donor, monitor), gets nothing, and a referral not visible answers 404.

What of its *package* a viewer may see is decided live, per category, by ``package_categories``:
consent and agreements are asked at every read, so a revocation or an ended agreement hides the
information at once, everywhere (pages, API).
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from caseway.clients import access as client_access
from caseway.clients import consent
from caseway.clients.models import Client, ConsentPurpose, DataCategory
from caseway.orgs.agreements import allowed_categories
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.permissions import Action, Role
from caseway.referrals import gate, package
from caseway.referrals.models import Referral, ReferralAlert, Status
from caseway.referrals.transitions import RECEIVER, SENDER

# While these, the receiver may see the package; after a decline, a withdrawal or a revocation
# (and before sending) it has no business with it.
PACKAGE_SHOWN_TO_RECEIVER = frozenset(
    {Status.SENT, Status.VIEWED, Status.ACCEPTED, Status.IN_SERVICE, Status.COMPLETED, Status.CLOSED_UNSUCCESSFUL}
)
# Categories that name or locate the person: on a sensitive (GBV/CRSV) referral, only the
# receiver's supervisors and the caseworker assigned to its case see them.
IDENTIFYING = frozenset({DataCategory.IDENTITY, DataCategory.CONTACT})


def _may_see_personal_data(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return membership.allows(Action.VIEW_PERSONAL_DATA)


def visible_referrals(membership):
    """Referrals sent or received by ``membership``'s organization, for staff who may see personal data."""
    if not _may_see_personal_data(membership):
        return Referral.objects.none()
    organization_id = membership.organization_id
    sent = Q(from_organization_id=organization_id) & Q(from_case__isnull=False)
    received = Q(to_organization_id=organization_id) & ~Q(status=Status.DRAFT)
    return (
        Referral.objects.select_related("client", "from_organization", "to_organization", "to_service", "from_case")
        .filter(sent | received)
        .filter(client__erased_at__isnull=True)
    )


def _of_clients_not_erased(referrals):
    """``visible_referrals``' erasure rule as a NOT IN over the few erased clients (no join to count)."""
    return referrals.exclude(client_id__in=Client.objects.filter(erased_at__isnull=False).values("pk"))


def inbox_referrals(membership):
    """What ``membership``'s organization received: ``visible_referrals`` as the receiver (never a draft)."""
    if not _may_see_personal_data(membership):
        return Referral.objects.none()
    received = Referral.objects.filter(to_organization_id=membership.organization_id).exclude(status=Status.DRAFT)
    return _of_clients_not_erased(received)


def outbox_referrals(membership):
    """What ``membership``'s organization sent or drafted from a case it still holds: ``visible_referrals``
    as the sender."""
    if not _may_see_personal_data(membership):
        return Referral.objects.none()
    sent = Referral.objects.filter(from_organization_id=membership.organization_id).filter(from_case__isnull=False)
    return _of_clients_not_erased(sent)


def visible_alerts(membership):
    """Open escalation alerts for ``membership``: its own, its organization's staff's, and as a
    supervisor every one of its organization (see ``ReferralAlert``)."""
    if not _may_see_personal_data(membership):
        return ReferralAlert.objects.none()
    for_me = Q(assigned_to_id=membership.user_id)
    for_me |= Q(audience=ReferralAlert.Audience.STAFF)
    if membership.allows(Action.SUPERVISE_CASES):
        for_me |= Q(audience__in=(ReferralAlert.Audience.SUPERVISORS, ReferralAlert.Audience.SENDER))
    return (
        ReferralAlert.objects.filter(organization_id=membership.organization_id)
        .filter(resolved_at__isnull=True)
        .filter(referral__client__erased_at__isnull=True)
        .filter(for_me)
    )


def get_referral_for_member(membership, pk) -> Referral:
    try:
        return visible_referrals(membership).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def get_referral_for_update(membership, pk) -> Referral:
    """The referral, locked for the rest of the transaction: two people may act on it at once."""
    try:
        return visible_referrals(membership).select_for_update(of=("self",)).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def side_of(membership, referral) -> str | None:
    """SENDER, RECEIVER, or None for a membership of neither party."""
    if membership.organization_id == referral.from_organization_id:
        return SENDER
    if membership.organization_id == referral.to_organization_id:
        return RECEIVER
    return None


def _sender_categories(membership, referral) -> frozenset:
    case = referral.from_case
    seen = client_access.visible_categories(membership, case)
    if not client_access.can_see_identity(membership, case, seen):
        seen = seen - IDENTIFYING
    return seen


def overridden_categories(referral) -> frozenset:
    """The categories a supervisor sent without the client's sharing consent (from the package)."""
    package = referral.package or {}
    return frozenset(package.get("override", {}).get("categories", []))


def _refused_since_override(referral, category) -> bool:
    """The client has said no since the referral was sent (a refusal or a withdrawal) to sharing ``category``."""
    for answer in gate.sharing_answers(referral.client_id, referral.to_organization_id):
        if not gate.covers(answer, category):
            continue
        if not answer.granted and answer.recorded_at >= referral.sent_at:
            return True
        if answer.revoked_at is not None and answer.revoked_at >= referral.sent_at:
            return True
    return False


def _receiver_may_see(referral, category, consented, agreed) -> bool:
    if category not in agreed:
        return False
    if category in consented:
        return True
    if category not in overridden_categories(referral):
        return False
    return not _refused_since_override(referral, category)


def _sent_as_sensitive(referral) -> bool:
    """The sender's case's sensitivity; once the sender erased it, the receiver's copy of it; else sensitive."""
    if referral.from_case_id is not None:
        return referral.from_case.is_sensitive
    if referral.to_case_id is not None:
        return referral.to_case.is_sensitive
    return True


def _receiver_sees_identifying(membership, referral) -> bool:
    if not _sent_as_sensitive(referral):
        return True
    if membership.role == Role.SUPERVISOR:
        return True
    return referral.to_case is not None and referral.to_case.caseworker_id == membership.user_id


def _receiver_categories(membership, referral) -> frozenset:
    if referral.status not in PACKAGE_SHOWN_TO_RECEIVER:
        return frozenset()
    consented = consent.shared_categories(referral.client, referral.to_organization_id)
    agreed = allowed_categories(
        referral.from_organization_id, referral.to_organization_id, purpose=SharingPurpose.REFERRAL
    )
    seen = frozenset(
        category for category in referral.categories if _receiver_may_see(referral, category, consented, agreed)
    )
    if not _receiver_sees_identifying(membership, referral):
        seen = seen - IDENTIFYING
    return seen


def package_categories(membership, referral) -> frozenset:
    """The categories of ``referral``'s package that ``membership`` may see now.

    Sender: what it may see on its own case. Receiver: each category sent that the client still
    agrees to share with it (or that a supervisor sent by override, until the client says no)
    AND that an agreement in force still covers for referrals; identity and contact of a
    sensitive referral only for the receiver's supervisors and assigned caseworker.
    """
    if not _may_see_personal_data(membership):
        return frozenset()
    side = side_of(membership, referral)
    if side == SENDER:
        return frozenset(referral.categories) & _sender_categories(membership, referral)
    if side == RECEIVER:
        return _receiver_categories(membership, referral)
    return frozenset()


def outcome_note_visible(membership, referral) -> bool:
    """The receiver's outcome note: the receiver always; the sender only with the client's consent.

    Rule: the note goes back to the sender only while the client agrees to share the *needs*
    category with the sender (a sharing consent naming the sender, usually recorded by the
    receiver when it asks "may we tell them how it went?"). The outcome code always goes back.
    """
    if not _may_see_personal_data(membership):
        return False
    side = side_of(membership, referral)
    if side == RECEIVER:
        return True
    if side != SENDER:
        return False
    return consent.allows(referral.client, ConsentPurpose.SHARING, referral.from_organization_id, DataCategory.NEEDS)


def visible_package(membership, referral) -> dict | None:
    """What ``membership`` may see of the package now (decrypts it), or None: nothing at all.

    The statistical record comes with any visible category, and alone for a referral that
    carries none; a receiver sees nothing once it declined, or the referral was withdrawn or
    revoked.
    """
    if not _may_see_personal_data(membership):
        return None
    if referral.package is None:
        return None
    side = side_of(membership, referral)
    if side is None:
        return None
    if side == RECEIVER and referral.status not in PACKAGE_SHOWN_TO_RECEIVER:
        return None
    return package.visible_part(referral.package, package_categories(membership, referral))
