"""Duplicate check at intake: the same person already known, by blind index, revealing nothing more.

Within the organization the caseworker sees which of its own cases match. Across the network
only that "a record may already exist in another organization": no code, no organization,
no count; linking needs the client's consent and the other organization's answer.
"""

from dataclasses import dataclass, field

from caseway.clients import access, indexing
from caseway.clients.models import Case, ClientIndex


@dataclass(frozen=True)
class Duplicates:
    own_cases: list = field(default_factory=list)
    elsewhere: bool = False
    candidate_ids: tuple = ()  # for a link request only; never shown

    @property
    def found(self) -> bool:
        return bool(self.own_cases) or self.elsewhere


def find_duplicates(*, membership, given_name="", family_name="", aliases=(), birth_date=None) -> Duplicates:
    """Clients whose name (any order, spelling folded) and date of birth match exactly."""
    if not birth_date:
        return Duplicates()
    digests = [
        digest
        for purpose, digest in indexing.identity_digests(
            given_name=given_name, family_name=family_name, aliases=aliases, birth_date=birth_date
        )
        if purpose == ClientIndex.Purpose.NAME_BIRTH_DATE
    ]
    if not digests:
        return Duplicates()
    client_ids = set(
        ClientIndex.objects.filter(purpose=ClientIndex.Purpose.NAME_BIRTH_DATE, digest__in=digests)
        .filter(client__erased_at__isnull=True)
        .values_list("client_id", flat=True)
    )
    if not client_ids:
        return Duplicates()
    own = list(access.visible_cases(membership).filter(client_id__in=client_ids))
    known_here = set(
        Case.objects.filter(organization_id=membership.organization_id, client_id__in=client_ids).values_list(
            "client_id", flat=True
        )
    )
    elsewhere = tuple(sorted(client_ids - known_here, key=str))
    return Duplicates(own_cases=own, elsewhere=bool(elsewhere), candidate_ids=elsewhere)
