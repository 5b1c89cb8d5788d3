"""Data-sharing agreements between two organizations: proposed by one side's agency admin,
accepted or declined by the other side's, ended by either.

An agreement says which categories of personal data may flow between the two organizations
(both directions) and for which purposes, between two dates. Referrals ask
``orgs.agreements.agreement_allows`` before anything leaves. Every change is audited (field
names only) and runs on the agreement row locked, so two admins acting at once cannot both win.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway import audit
from caseway.orgs import access
from caseway.orgs.categories import DataCategory, SharingPurpose
from caseway.orgs.models import DataSharingAgreement, Membership, Organization

Status = DataSharingAgreement.Status
SIGNATORY_MAX_LENGTH = 200


def _may_manage(membership) -> bool:
    return access.may_manage_agreements(membership)


def _locked(membership, pk) -> DataSharingAgreement:
    access.get_agreement_for_member(membership, pk)  # 404 before any lock when not a party
    return DataSharingAgreement.objects.select_for_update().get(pk=pk)


def is_partner_side(membership, agreement) -> bool:
    return agreement.partner_id == membership.organization_id


def may_decide(membership, agreement) -> bool:
    """Accept or decline: the other side's admin, while the proposal waits."""
    if not _may_manage(membership):
        return False
    if agreement.status != Status.PROPOSED:
        return False
    return is_partner_side(membership, agreement)


def may_end(membership, agreement) -> bool:
    """End: either side's admin once in force; the proposer may also withdraw a waiting proposal."""
    if not _may_manage(membership):
        return False
    if agreement.status == Status.ACTIVE:
        return True
    if agreement.status != Status.PROPOSED:
        return False
    return agreement.proposer_id == membership.organization_id


def partner_choices(membership):
    """Organizations an agreement may be proposed to: active, in the network, not one's own."""
    with_members = Membership.objects.filter(is_active=True).values("organization_id")
    return (
        Organization.objects.filter(is_active=True, pk__in=with_members)
        .exclude(pk=membership.organization_id)
        .order_by("name")
    )


# ---------------------------------------------------------------------------------------------
# Changes


def _require(membership) -> None:
    if not _may_manage(membership):
        raise PermissionDenied


def _signatory(value, field) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: _("Give the name and position of the person who signs.")})
    if len(value) > SIGNATORY_MAX_LENGTH:
        raise ValidationError({field: _("Keep it under %(count)d characters.") % {"count": SIGNATORY_MAX_LENGTH}})
    return value


def _check_proposal(errors, membership, partner, categories, purposes, valid_from, valid_to):
    if partner is None:
        errors["partner"] = _("Choose the partner organization.")
    elif getattr(partner, "pk", partner) == membership.organization_id:
        errors["partner"] = _("An agreement is made with another organization, not your own.")
    elif not partner_choices(membership).filter(pk=getattr(partner, "pk", partner)).exists():
        errors["partner"] = _("Choose an active organization of the network.")
    if not categories:
        errors["categories"] = _("Choose at least one category of information.")
    elif set(categories) - set(DataCategory.values):
        errors["categories"] = _("Choose information from the list.")
    if not purposes:
        errors["purposes"] = _("Choose at least one purpose.")
    elif set(purposes) - set(SharingPurpose.values):
        errors["purposes"] = _("Choose purposes from the list.")
    if not isinstance(valid_from, datetime.date):
        errors["valid_from"] = _("Give the date the agreement starts.")
    elif valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The end date cannot be before the start date.")
    elif valid_to is not None and valid_to < timezone.localdate():
        errors["valid_to"] = _("The end date is already past.")


def agreement_propose(
    *,
    actor,
    membership,
    partner,
    categories,
    purposes,
    valid_from,
    valid_to=None,
    signed_by,
    request=None,
) -> DataSharingAgreement:
    """Propose an agreement to ``partner``; it is in force only once the partner's admin accepts."""
    _require(membership)
    categories = sorted(set(categories or ()))
    purposes = sorted(set(purposes or ()))
    errors = {}
    _check_proposal(errors, membership, partner, categories, purposes, valid_from, valid_to)
    try:
        signed_by = _signatory(signed_by, "signed_by")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = DataSharingAgreement.objects.create(
            proposer_id=membership.organization_id,
            partner_id=getattr(partner, "pk", partner),
            categories=categories,
            purposes=purposes,
            valid_from=valid_from,
            valid_to=valid_to,
            proposed_by=actor,
            proposed_at=timezone.now(),
            signed_by_proposer=signed_by,
        )
        audit.record(
            actor,
            "orgs.agreement_proposed",
            agreement,
            fields=[
                "partner",
                "categories",
                "purposes",
                "valid_from",
                *(["valid_to"] if valid_to else []),
                "signed_by_proposer",
            ],
            organization=membership.organization_id,
            request=request,
        )
    return agreement


def _decide(*, actor, membership, agreement, status, signed_by="", request=None) -> DataSharingAgreement:
    _require(membership)
    with transaction.atomic():
        locked = _locked(membership, agreement.pk)
        if not is_partner_side(membership, locked):
            raise PermissionDenied(_("Only the partner organization's admin can answer this proposal."))
        if locked.status != Status.PROPOSED:
            raise ValidationError(
                _("This agreement was already answered: it is “%(status)s”.") % {"status": locked.get_status_display()}
            )
        locked.status = status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        fields = ["status", "decided_by", "decided_at"]
        if status == Status.ACTIVE:
            locked.signed_by_partner = signed_by
            fields.append("signed_by_partner")
        locked.save(update_fields=fields)
        audit.record(
            actor,
            "orgs.agreement_accepted" if status == Status.ACTIVE else "orgs.agreement_declined",
            locked,
            fields=fields,
            organization=membership.organization_id,
            request=request,
        )
    return locked


def agreement_accept(*, actor, membership, agreement, signed_by, request=None) -> DataSharingAgreement:
    """The partner's admin accepts and signs: the agreement is in force between its dates."""
    signed_by = _signatory(signed_by, "signed_by")
    return _decide(
        actor=actor,
        membership=membership,
        agreement=agreement,
        status=Status.ACTIVE,
        signed_by=signed_by,
        request=request,
    )


def agreement_decline(*, actor, membership, agreement, request=None) -> DataSharingAgreement:
    """The partner's admin declines the proposal; nothing flows."""
    return _decide(actor=actor, membership=membership, agreement=agreement, status=Status.DECLINED, request=request)


def agreement_end(*, actor, membership, agreement, request=None) -> DataSharingAgreement:
    """End an agreement in force (either side), or withdraw one's own waiting proposal. At once.

    Referrals ask for an agreement in force when they are sent and whenever their package is
    shown, so ending it stops new referrals and hides the packages it covered.
    """
    _require(membership)
    with transaction.atomic():
        locked = _locked(membership, agreement.pk)
        if not may_end(membership, locked):
            raise ValidationError(
                _("This agreement cannot be ended: it is “%(status)s”.") % {"status": locked.get_status_display()}
            )
        locked.status = Status.ENDED
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
        audit.record(
            actor,
            "orgs.agreement_ended",
            locked,
            fields=["status", "ended_at"],
            organization=membership.organization_id,
            request=request,
        )
    return locked
