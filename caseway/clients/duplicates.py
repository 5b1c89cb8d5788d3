"""Duplicate check at intake: the same person already known, by blind index, revealing nothing more.

A match says "this case is that person": it discloses the identity of the case's client as much
as showing their name would. So within the organization the caseworker sees only the matching
cases whose identity ``access.can_see_identity`` lets them see (code, name, a way to open the case
instead). Matches they may not identify (a sensitive case outside their team, a referred client
who did not share their identity) are only counted as "a record here may be about this client":
no code, no case, no name; a supervisor can check. Across the network only "a record may already
exist in another organization": no code, no organization, no count; linking needs the client's
consent and the other organization's answer.
"""

from dataclasses import dataclass, field

from caseway.clients import access, indexing
from caseway.clients.models import Case, ClientIndex


@dataclass(frozen=True)
class OwnMatch:
    """A case of the member's organization whose client they may identify, with the name to show."""

    case: Case
    name: str


@dataclass(frozen=True)
class Duplicates:
    own: list = field(default_factory=list)  # OwnMatch rows: identity visible to the member
    withheld_here: bool = False  # the organization holds a matching case whose identity the member may not see
    elsewhere: bool = False
    candidate_ids: tuple = ()  # for a link request only; never shown

    @property
    def own_cases(self) -> list:
        return [match.case for match in self.own]

    @property
    def found(self) -> bool:
        return bool(self.own) or self.withheld_here or self.elsewhere


def _own_matches(membership, client_ids) -> tuple[list, bool]:
    """The organization's matching cases split by ``access``: (identifiable rows, whether any is withheld)."""
    cases = list(access.visible_cases(membership).filter(client_id__in=client_ids).order_by("opened_at", "pk"))
    page = access.page_access(membership, cases)
    rows, withheld = [], False
    for case in cases:
        if access.can_see_identity(membership, case, page=page):
            rows.append(OwnMatch(case=case, name=access.display_name(membership, case, page=page)))
        else:
            withheld = True
    return rows, withheld


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
    own, withheld = _own_matches(membership, client_ids)
    known_here = set(
        Case.objects.filter(organization_id=membership.organization_id, client_id__in=client_ids).values_list(
            "client_id", flat=True
        )
    )
    elsewhere = tuple(sorted(client_ids - known_here, key=str))
    return Duplicates(own=own, withheld_here=withheld, elsewhere=bool(elsewhere), candidate_ids=elsewhere)
