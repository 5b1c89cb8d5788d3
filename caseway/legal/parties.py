"""Parties and witnesses of a legal matter: added by any party organization, names and details
encrypted under the client's key, known to others by a pseudonym. Protection measures (pseudonym,
closed hearing, voice or face distortion, relocation) are kept with the witness; who they are is
shown only where ``access.may_see_identity`` allows, and every such look is audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caseway import audit
from caseway.legal import access
from caseway.legal.models import Party, ProtectionMeasure
from caseway.legal.services import _require


def _measures(values):
    chosen = set(values or ())
    if not chosen <= set(ProtectionMeasure.values):
        raise ValidationError({"protection_measures": _("Choose the protection measures from the list.")})
    return sorted(chosen)


def party_add(
    *, actor, membership, matter, role, pseudonym, name, details="", protection_measures=(), request=None
) -> Party:
    _require(membership)
    if role not in Party.Role.values:
        raise ValidationError({"role": _("Choose the role from the list.")})
    pseudonym, name = (pseudonym or "").strip(), (name or "").strip()
    if not pseudonym:
        raise ValidationError({"pseudonym": _("Give a pseudonym, such as Witness A.")})
    if not name:
        raise ValidationError({"name": _("Give the name; it is kept encrypted.")})
    if pseudonym.casefold() == name.casefold():
        raise ValidationError({"pseudonym": _("The pseudonym must not be the name.")})
    measures = _measures(protection_measures)
    with transaction.atomic():
        matter = access.get_matter_for_member(membership, matter.pk)
        if matter.parties.filter(pseudonym__iexact=pseudonym).exists():
            raise ValidationError({"pseudonym": _("Another party of this matter already has this pseudonym.")})
        try:
            with transaction.atomic():
                party = Party.objects.create(
                    matter=matter,
                    role=role,
                    pseudonym=pseudonym,
                    data_key_id=matter.data_key_id,
                    name=name,
                    details=(details or "").strip() or None,
                    protection_measures=measures,
                    added_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                {"pseudonym": _("Another party of this matter already has this pseudonym.")}
            ) from None
        audit.record(
            actor,
            "legal.party_added",
            party,
            fields=["role", "pseudonym", "name", "details", "protection_measures"],
            organization=membership.organization_id,
            request=request,
        )
    return party


def party_protection_set(*, actor, membership, party, protection_measures, request=None) -> Party:
    """Change a witness's protection measures (any party organization may: protecting is never
    withheld for want of the identity)."""
    _require(membership)
    measures = _measures(protection_measures)
    with transaction.atomic():
        party = access.get_party_for_member(membership, party.pk)
        party = Party.objects.select_for_update().get(pk=party.pk)
        party.protection_measures = measures
        party.save(update_fields=["protection_measures"])
        audit.record(
            actor,
            "legal.party_protection_set",
            party,
            fields=["protection_measures"],
            organization=membership.organization_id,
            request=request,
        )
    return party


def party_identity_read(*, actor, membership, party, request=None) -> dict:
    """Who the party is, for someone allowed to know; audited as a read. Refused otherwise."""
    _require(membership)
    party = access.get_party_for_member(membership, party.pk)
    if not access.may_see_identity(membership, party.matter):
        raise PermissionDenied
    audit.record(
        actor,
        "legal.party_identity_viewed",
        party,
        fields=["name", "details"],
        organization=membership.organization_id,
        request=request,
    )
    return {"name": party.name, "details": party.details or ""}
