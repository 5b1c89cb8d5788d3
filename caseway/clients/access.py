"""The only ways views, the API, exports and other apps reach clients and cases.

A client is visible to an organization that has a ``Case`` for them, to its staff who may see
personal data, and only in the categories that organization may see: every category at the
organization that did the intake; elsewhere only the categories the client consented to share
with it. Sensitive (GBV/CRSV) cases show identity only to the assigned caseworker, supervisors
and someone who broke the glass with a reason. Not visible → ``Http404``, like not existing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from caseway.clients import consent
from caseway.clients.models import BreakGlassAccess, Case, Client, Consent, ConsentPurpose, DataCategory
from caseway.orgs.permissions import Action, Role

EVERY_CATEGORY = frozenset(DataCategory.values)
MASKED_NAME = "•••"


def _may_see_personal_data(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return membership.allows(Action.VIEW_PERSONAL_DATA)


def visible_cases(membership):
    """The cases of ``membership``'s organization, for staff who may see personal data."""
    if not _may_see_personal_data(membership):
        return Case.objects.none()
    # Erased clients are left out with an uncorrelated NOT IN over the few erased ones (partial
    # index clients_client_erased) rather than a join to every client: counting an organization's
    # cases then reads one index only.
    erased = Client.objects.filter(erased_at__isnull=False).values("pk")
    return (
        Case.objects.select_related("client", "caseworker", "supervisor")
        .filter(organization_id=membership.organization_id)
        .exclude(client_id__in=erased)
    )


def visible_cases_by_key(membership):
    """``visible_cases`` phrased for probing one case at a time by primary key (``EXISTS (… WHERE
    pk = the outer row's case)``): the same rows, the erased clients left out in the way each
    database probes best.

    PostgreSQL estimates visible_cases' uncorrelated ``NOT IN`` at half the rows and then hashes
    the organization's 30,000 cases for every probing query (15 ms against 5 for a caseworker's
    tasks); a correlated ``NOT EXISTS`` it checks per probed case. SQLite is the other way round
    (the ``NOT IN`` list is built once; ``NOT EXISTS`` reads a client row per probe: 2 ms against
    0.3), so it keeps ``visible_cases``.
    """
    if connection.vendor != "postgresql":
        return visible_cases(membership)
    if not _may_see_personal_data(membership):
        return Case.objects.none()
    erased = Client.objects.filter(pk=OuterRef("client_id"), erased_at__isnull=False)
    return Case.objects.filter(organization_id=membership.organization_id).filter(~Exists(erased))


def of_visible_case(membership):
    """A filter keeping rows whose case (``case_id``) ``membership`` may see, probed per row by
    primary key (``visible_cases_by_key``).

    ``case__in=visible_cases(...)`` made SQLite list the organization's 30,000 case ids for every
    query (27 ms each at 100,000 cases) and then look each one up; this reads the rows by their own
    index (a person's tasks, the plans waiting) and probes each row's case.
    """
    return Exists(visible_cases_by_key(membership).select_related(None).filter(pk=OuterRef("case_id")))


def get_case_for_member(membership, pk) -> Case:
    try:
        return visible_cases(membership).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def get_case_for_update(membership, pk) -> Case:
    """The case, locked for the rest of the transaction: two people may act on it at once."""
    try:
        return visible_cases(membership).select_for_update(of=("self",)).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def visible_clients(membership):
    if not _may_see_personal_data(membership):
        return Client.objects.none()
    own_case = Case.objects.filter(client=OuterRef("pk"), organization_id=membership.organization_id)
    return Client.objects.filter(Exists(own_case), erased_at__isnull=True)


def case_of_client(membership, client_pk) -> Case:
    """``membership``'s organization's case for the client ``client_pk``, or 404."""
    try:
        return visible_cases(membership).get(client_id=client_pk)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def visible_categories(membership, case) -> frozenset:
    """The data categories of ``case``'s client that ``membership`` may see."""
    if not _may_see_personal_data(membership):
        return frozenset()
    if case.organization_id != membership.organization_id:
        return frozenset()
    if case.origin == Case.Origin.INTAKE:
        return EVERY_CATEGORY
    return consent.shared_categories(case.client, case.organization_id)


def has_broken_glass(membership, case, *, at=None, page=None) -> bool:
    """Whether ``membership``'s user opened ``case``'s identity with a reason and it has not expired.

    ``page`` (from ``page_access``) answers from what was loaded for a page of cases, without a query.
    """
    if page is not None:
        return case.pk in page.broken_glass
    return BreakGlassAccess.objects.filter(
        case=case, user_id=membership.user_id, expires_at__gt=at or timezone.now()
    ).exists()


def is_on_case_team(membership, case) -> bool:
    """The assigned caseworker or a supervisor of the organization: who sees a sensitive identity."""
    if case.caseworker_id == membership.user_id:
        return True
    if membership.role == Role.SUPERVISOR:
        return True
    return case.supervisor_id == membership.user_id


def can_see_identity(membership, case, categories=None, *, page=None) -> bool:
    """Whether ``membership`` may see the client's names, birth date and documents on ``case``."""
    if categories is None and page is not None:
        categories = page.categories_of(membership, case)
    categories = visible_categories(membership, case) if categories is None else categories
    if DataCategory.IDENTITY not in categories:
        return False
    if not case.is_sensitive:
        return True
    if is_on_case_team(membership, case):
        return True
    return has_broken_glass(membership, case, page=page)


def can_see_contact(membership, case, categories=None, *, page=None) -> bool:
    """Whether ``membership`` may see the client's phone, address and contact preferences on ``case``.

    The contact category, and for a sensitive case the same people as identity (its team, or someone
    who broke the glass): how to reach a survivor says as much as who they are.
    """
    if categories is None and page is not None:
        categories = page.categories_of(membership, case)
    categories = visible_categories(membership, case) if categories is None else categories
    if DataCategory.CONTACT not in categories:
        return False
    if not case.is_sensitive:
        return True
    if is_on_case_team(membership, case):
        return True
    return has_broken_glass(membership, case, page=page)


def display_name(membership, case, *, categories=None, page=None) -> str:
    """The client's name as a list or search result may show it: masked unless identity is visible.

    For a list, pass ``page=page_access(membership, cases)``: the whole page then costs a fixed
    number of queries, and only the names shown are decrypted.
    """
    if not can_see_identity(membership, case, categories, page=page):
        return MASKED_NAME
    client = case.client
    return " ".join(part for part in (client.given_name, client.family_name) if part) or client.code


# --- a page of cases at once ------------------------------------------------------------------


@dataclass(frozen=True)
class PageAccess:
    """What ``display_name`` needs for a page of cases, loaded in at most two queries."""

    at: object
    shared: dict = field(default_factory=dict)  # client id → categories consented (non-intake cases)
    broken_glass: frozenset = frozenset()  # ids of cases whose identity the viewer opened with a reason

    def categories_of(self, membership, case) -> frozenset:
        if not _may_see_personal_data(membership):
            return frozenset()
        if case.organization_id != membership.organization_id:
            return frozenset()
        if case.origin == Case.Origin.INTAKE:
            return EVERY_CATEGORY
        return self.shared.get(case.client_id, frozenset())


def _answer_covers(answer, category) -> bool:
    if not answer.granted and not answer.categories:
        return True  # a refusal naming no category refuses them all
    return category in answer.categories


def _answer_in_force(answer, at) -> bool:
    if not answer.granted:
        return False
    if answer.revoked_at is not None and answer.revoked_at <= at:
        return False
    return answer.expires_at is None or answer.expires_at > at


def _newest_answer_allows(answers, category, at) -> bool:
    """``consent.allows`` over sharing answers already loaded, newest first: the same rule, no query.

    test_visibility_consent checks it against ``consent.shared_categories`` case by case.
    """
    for answer in answers:
        if answer.recorded_at > at:
            continue
        if not _answer_covers(answer, category):
            continue
        return _answer_in_force(answer, at)
    return False


def shared_categories_of_clients(client_ids, organization_id, *, at=None) -> dict:
    """``consent.shared_categories`` for many clients in one query: {client id: categories}."""
    at = at or timezone.now()
    answers = {}
    rows = Consent.objects.filter(
        client_id__in=set(client_ids), purpose=ConsentPurpose.SHARING, recipient_id=organization_id
    ).order_by("client_id", "-recorded_at", "-pk")
    for answer in rows:
        answers.setdefault(answer.client_id, []).append(answer)
    return {
        client_id: frozenset(
            category for category in DataCategory.values if _newest_answer_allows(answers_of, category, at)
        )
        for client_id, answers_of in answers.items()
    }


def page_access(membership, cases, *, at=None) -> PageAccess:
    """Consents and break-glass openings for a page of ``cases``: two queries, whatever the rows.

    Both are asked for every row of the page (not only the rows that need them), so a page costs
    the same number of queries whatever kinds of cases it holds.
    """
    at = at or timezone.now()
    cases = list(cases)
    if not _may_see_personal_data(membership):
        return PageAccess(at=at)
    if not cases:
        return PageAccess(at=at)
    shared = shared_categories_of_clients([case.client_id for case in cases], membership.organization_id, at=at)
    opened = frozenset(
        BreakGlassAccess.objects.filter(
            case_id__in=[case.pk for case in cases], user_id=membership.user_id, expires_at__gt=at
        ).values_list("case_id", flat=True)
    )
    return PageAccess(at=at, shared=shared, broken_glass=opened)
