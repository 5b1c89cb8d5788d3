"""Every write to clients and cases goes through here (intake, consent, assessments... have their own modules).

Keyword-only functions taking ``actor`` and ``membership``; each checks the role table and the
object scope again, runs in one transaction and writes an audit event naming fields, never values.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseway import audit
from caseway.clients import indexing
from caseway.clients.models import AgeBand, Case, Client, ClientIndex
from caseway.orgs.permissions import Action, Role
from caseway.vault.services import data_key_create

IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "aliases",
    "birth_date",
    "birth_date_is_estimated",
    "phone",
    "address",
    "nationality",
    "documents_held",
)
STATISTICAL_FIELDS = (
    "sex",
    "age_band",
    "admin_area",
    "displacement_status",
    "has_disability",
    "disability_domains",
    "languages",
    "children_count",
    "children_ages",
    "cares_for_children",
    "cares_for_others",
)
# Contact details: a phone number or an address is the way to a person, so it is changed only by
# someone who may see who the client is (``access.can_see_identity``), never on contact alone.
CONTACT_FIELDS = ("phone", "address")
CONTACT_NEEDS_IDENTITY = gettext_lazy(
    "Only someone who may see who the client is can change their contact details or contact preferences: "
    "the client has not shared their identity with your organization, or the case is sensitive and you "
    "are not on its team."
)
CONTACT_NOT_SHARED = gettext_lazy(
    "The client has not agreed to share their contact details with your organization: they cannot be changed here."
)
# The roles whose member, registering a client, becomes the case's caseworker (a supervisor sees every
# case anyway and is left free to assign it).
REGISTERING_CASEWORKER_ROLES = (Role.CASEWORKER, Role.LEGAL_OFFICER)
CODE_ATTEMPTS = 8


def require(membership, action) -> None:
    if membership is None or not membership.is_active or not membership.allows(action):
        raise PermissionDenied


def _check_birth_date(value) -> None:
    if not value:
        return
    born = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    today = timezone.localdate()
    if born > today:
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if today.year - born.year > 120:
        raise ValidationError({"birth_date": _("The date of birth is more than 120 years ago.")})


def reindex_identity(client: Client) -> None:
    """Replace the client's blind indexes with those of its current identity (plaintext in memory)."""
    ClientIndex.objects.filter(client=client).delete()
    if client.is_erased:
        return
    pairs = indexing.identity_digests(
        given_name=client.given_name or "",
        family_name=client.family_name or "",
        aliases=client.aliases or (),
        birth_date=client.birth_date or None,
        phone=client.phone or "",
    )
    ClientIndex.objects.bulk_create(
        ClientIndex(client=client, purpose=purpose, digest=digest) for purpose, digest in pairs
    )


def _new_code() -> str:
    from caseway.clients.codes import new_code

    return new_code()


def client_register(
    *,
    actor,
    membership,
    values: dict,
    data_key=None,
    caseworker=None,
    sensitivity=Case.Sensitivity.STANDARD,
    request=None,
) -> Case:
    """Create a client and the first case at ``membership``'s organization; return the case.

    Only code, area, sex and age band are required (services come before data); the caller
    records consent in the same transaction (``intake``). ``data_key`` lets an intake draft hand
    over the key its answers were already encrypted under.
    """
    require(membership, Action.REGISTER_CLIENTS)
    unknown = set(values) - set(IDENTITY_FIELDS) - set(STATISTICAL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown client fields: {sorted(unknown)}")
    _check_birth_date(values.get("birth_date"))
    if values.get("birth_date") and not values.get("age_band"):
        born = datetime.date.fromisoformat(str(values["birth_date"]))
        values = {**values, "age_band": AgeBand.for_age((timezone.localdate() - born).days // 365)}
    if isinstance(values.get("birth_date"), datetime.date):
        values = {**values, "birth_date": values["birth_date"].isoformat()}
    with transaction.atomic():
        key = data_key or data_key_create(actor=actor)
        for _attempt in range(CODE_ATTEMPTS):
            client = Client(data_key=key, registered_by_id=membership.organization_id, code=_new_code(), **values)
            client.full_clean(exclude=["data_key", "registered_by"])
            try:
                with transaction.atomic():
                    client.save()
                break
            except IntegrityError:
                continue  # a code collision: astronomically rare, but never an error for the user
        else:
            raise RuntimeError("Could not draw an unused client code.")
        reindex_identity(client)
        case = Case.objects.create(
            organization_id=membership.organization_id,
            client=client,
            origin=Case.Origin.INTAKE,
            caseworker=caseworker or (actor if membership.role in REGISTERING_CASEWORKER_ROLES else None),
            sensitivity=sensitivity,
        )
        audit.record(
            actor,
            "clients.client_registered",
            client,
            fields=sorted(name for name, value in values.items() if value not in ("", None, [], {})),
            organization=membership.organization_id,
            request=request,
        )
    return case


def check_contact_change(membership, case: Case, categories=None) -> None:
    """Raise a translated ``ValidationError`` unless ``membership`` may change ``case``'s contact details.

    Contact details and contact preferences are changed only by someone who may see the client's
    identity and contact details: never on contact alone (a referred organization the client did
    not share their identity with; a sensitive case outside its team).
    """
    from caseway.clients import access

    categories = access.visible_categories(membership, case) if categories is None else categories
    if not access.can_see_identity(membership, case, categories):
        raise ValidationError(str(CONTACT_NEEDS_IDENTITY), code="identity_not_visible")
    if not access.can_see_contact(membership, case, categories):
        raise ValidationError(str(CONTACT_NOT_SHARED), code="contact_not_shared")


def client_update_identity(*, actor, membership, case: Case, values: dict, request=None) -> Client:
    """Change identity, contact or statistical fields of a client whose identity the actor may see.

    A change of contact details (phone, address) where the actor may not see the identity, or the
    contact details, is refused with a translated ``ValidationError``; any other change there with
    ``PermissionDenied``.
    """
    from caseway.clients.access import can_see_identity, visible_categories

    require(membership, Action.VIEW_PERSONAL_DATA)
    if case.organization_id != membership.organization_id:
        raise PermissionDenied
    categories = visible_categories(membership, case)
    if any(name in CONTACT_FIELDS for name in values):
        check_contact_change(membership, case, categories)
    if not can_see_identity(membership, case, categories):
        raise PermissionDenied
    unknown = set(values) - set(IDENTITY_FIELDS) - set(STATISTICAL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown client fields: {sorted(unknown)}")
    _check_birth_date(values.get("birth_date"))
    if isinstance(values.get("birth_date"), datetime.date):
        values = {**values, "birth_date": values["birth_date"].isoformat()}
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=case.client_id)
        changed = [name for name, value in values.items() if getattr(client, name) != value]
        for name in changed:
            setattr(client, name, values[name])
        client.full_clean(exclude=["data_key", "registered_by"])
        if changed:
            client.save(update_fields=changed)
        if set(changed) & set(IDENTITY_FIELDS):
            reindex_identity(client)
        audit.record(
            actor,
            "clients.client_updated",
            client,
            fields=sorted(changed),
            organization=membership.organization_id,
            request=request,
        )
    return client
