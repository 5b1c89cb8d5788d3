"""Reads of clients and cases that are more than an access helper: the case list and search.

Search never decrypts to compare. A typed code is normalized and looked up in clear (codes are
pseudonyms); a phone number or a name goes through the same normalization as the blind indexes
in ``ClientIndex`` (``indexing``) and is looked up by digest, so only exact matches are found:
every word typed must be a word of one of the client's names or aliases, in any order.
Everything starts from ``access.visible_cases``, so the organization's scope holds for search too.
Only the names of the page of rows shown are ever decrypted, and only where
``access.display_name`` allows.
"""

from dataclasses import dataclass, replace

from django.core.paginator import Paginator
from django.db.models import Case as Switch
from django.db.models import IntegerField, Q, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from caseway.clients import access, indexing
from caseway.clients.models import (
    BreakGlassAccess,
    Case,
    CaseAlert,
    CaseStatus,
    ClientIndex,
    DataCategory,
    LinkRequest,
    RiskLevel,
)
from caseway.orgs.permissions import Action, Role

MAX_NAME_WORDS = 8  # more words than any name has: the rest would only make the query longer
PHONE_MIN_DIGITS = 6
# The columns a row of the list needs (queries.case_rows, access.display_name, the template).
LIST_COLUMNS = (
    *(f.name for f in Case._meta.concrete_fields),
    "client__code",
    "client__data_key",
    "client__given_name",
    "client__family_name",
    "client__data_key__wrapped_key",
    "client__data_key__kek_version",
    "client__data_key__version",
    "client__data_key__destroyed_at",
    "caseworker__email",
    "caseworker__display_name",
    "supervisor__email",
    "supervisor__display_name",
)
MATCH_LIST_LIMIT = 1000  # matching clients read into a list before the case query (see _matching)
# More matches than anyone reads: the search asks for another name instead (a common given name
# alone matches thousands, and each match must pass the access rules before it is counted).
SEARCH_MATCH_CAP = 200


class SearchKind:
    CODE = "code"
    PHONE = "phone"
    NAME = "name"


@dataclass(frozen=True)
class Search:
    """What a typed text was read as: a client code, a phone number or name words."""

    kind: str
    code: str = ""
    digests: tuple = ()
    purpose: str = ""  # of the digests, in ClientIndex
    too_many: bool = False  # more than SEARCH_MATCH_CAP cases matched: none are listed

    @property
    def match_cap(self) -> int:
        return SEARCH_MATCH_CAP

    @property
    def is_empty(self) -> bool:
        return not self.code and not self.digests


def _normalized_code(text: str) -> str:
    from caseway.clients import codes

    try:
        return codes.normalize(text) or ""
    except (ValueError, TypeError):
        return ""


def code_problem(text: str) -> str:
    """Why ``text``, which looks like a client code (ten letters and digits, some digits), is not one."""
    from caseway.clients import codes

    compact = [char for char in (text or "") if char.isalnum()]
    if len(compact) != codes.LENGTH or not any(char.isdigit() for char in compact):
        return ""
    try:
        codes.normalize(text)
    except codes.InvalidCode as error:
        return str(error)
    return ""


def _digits(text: str) -> int:
    return sum(char.isdigit() for char in text)


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def read_search(text: str) -> list[Search]:
    """How to look ``text`` up, most specific reading first (a code may also be a name)."""
    text = (text or "").strip()
    if not text:
        return []
    readings = []
    code = _normalized_code(text)
    if code:
        readings.append(Search(SearchKind.CODE, code=code))
    if _digits(text) >= PHONE_MIN_DIGITS and not _letters(text):
        key = indexing.phone_key(text)
        if key:
            purpose = ClientIndex.Purpose.PHONE
            readings.append(Search(SearchKind.PHONE, digests=(indexing.digest(purpose, key),), purpose=purpose))
        return readings
    words = indexing.name_words(text)[:MAX_NAME_WORDS]
    if len(words) == 1:
        purpose = ClientIndex.Purpose.NAME_TOKEN
        readings.append(Search(SearchKind.NAME, digests=(indexing.digest(purpose, words[0]),), purpose=purpose))
    elif words:
        # Several words: the first paired with each other one. Every pair must be the client's, so
        # every word is; and each pair is rare where each word alone may be very common.
        purpose = ClientIndex.Purpose.NAME_PAIR
        keys = dict.fromkeys(indexing.pair_key(words[0], word) for word in words[1:])
        digests = tuple(indexing.digest(purpose, key) for key in keys)
        readings.append(Search(SearchKind.NAME, digests=digests, purpose=purpose))
    return readings


def matching_clients(search: Search):
    """Ids of the clients (network-wide) with every digest of ``search``: a subquery.

    One IN per further digest (word pair, see ``read_search``): every word must be one of the
    client's, in any order. The (purpose, digest, client) unique index answers each without reading
    the table.
    """
    first, *others = search.digests
    clients = ClientIndex.objects.filter(purpose=search.purpose, digest=first)
    for digest in others:
        clients = clients.filter(
            client_id__in=ClientIndex.objects.filter(purpose=search.purpose, digest=digest).values("client_id")
        )
    return clients.values_list("client_id", flat=True)


def _matching(cases, search: Search):
    if search.kind == SearchKind.CODE:
        return cases.filter(client__code=search.code)
    clients = matching_clients(search)
    # Exact matches are few: read them first and hand the organization's query a list, which both
    # databases answer by probing the (organization, client) index once per match. Planned as one
    # query, PostgreSQL tends to hash the organization's every case instead. A very common name
    # (more than MATCH_LIST_LIMIT clients network-wide) stays a subquery: there, that is right.
    found = list(clients[: MATCH_LIST_LIMIT + 1])
    if len(found) <= MATCH_LIST_LIMIT:
        return cases.filter(client_id__in=found)
    return cases.filter(client_id__in=clients)


def filtered_cases(membership, *, status="", mine=False, risk_level=None, sensitivity=""):
    """The organization's cases the member may see, with the list's filters applied."""
    cases = access.visible_cases(membership).select_related("client__data_key")
    if status == "active":
        cases = cases.exclude(status=CaseStatus.CLOSED)
    elif status:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(caseworker_id=membership.user_id)
    if risk_level is not None:
        cases = cases.filter(risk_level=risk_level)
    if sensitivity:
        cases = cases.filter(sensitivity=sensitivity)
    return cases.order_by("-opened_at", "-pk")


# What a search by each kind of value reveals about the client, so what the viewer must be allowed to see.
REVEALS = {SearchKind.NAME: DataCategory.IDENTITY, SearchKind.PHONE: DataCategory.CONTACT}


@dataclass(frozen=True)
class _Match:
    """What the access rules read of a matching case, without loading the case."""

    pk: object
    client_id: object
    origin: str
    sensitivity: str
    caseworker_id: object
    supervisor_id: object
    opened_at: object
    organization_id: int

    @property
    def is_sensitive(self) -> bool:
        return self.sensitivity == Case.Sensitivity.SENSITIVE


MATCH_FIELDS = ("pk", "client_id", "origin", "sensitivity", "caseworker_id", "supervisor_id", "opened_at")


def _may_see(membership, case, category, page) -> bool:
    """Whether ``membership`` may see ``category`` (identity or contact) of ``case``, as a page would."""
    if category == DataCategory.IDENTITY:
        return access.can_see_identity(membership, case, page=page)
    return access.can_see_contact(membership, case, page=page)


def _identifiable(membership, matches, category):
    """The matches whose ``category`` the member may see, by the rules of ``clients.access``.

    A match by name or phone says "this case is that person". Where the member may not see that
    category (a referred client who did not share it; a sensitive case outside their team, unless
    they broke the glass), such a match would disclose it, so it is left out. Consents are read for
    the referred-in matches only, break-glass openings for the sensitive ones: two queries at most.
    """
    shared_in = [match.client_id for match in matches if match.origin != Case.Origin.INTAKE]
    sensitive = [match.pk for match in matches if match.is_sensitive]
    now = timezone.now()
    shared = access.shared_categories_of_clients(shared_in, membership.organization_id, at=now) if shared_in else {}
    opened = frozenset()
    if sensitive:
        opened = frozenset(
            BreakGlassAccess.objects.filter(
                case_id__in=sensitive, user_id=membership.user_id, expires_at__gt=now
            ).values_list("case_id", flat=True)
        )
    page = access.PageAccess(at=now, shared=shared, broken_glass=opened)
    return [match for match in matches if _may_see(membership, match, category, page)]


def search_cases(cases, text: str, *, membership):
    """``(reading, ids)``: ids of the cases matching ``text``, newest first, under its first reading
    that finds any (a code may also read as a name).

    The matches are read once, with what the access rules need, and sorted here: they are exact,
    so few, and reading them unordered lets the database start from the blind-index match rather
    than walk the organization's cases in date order. A name or phone search keeps only cases
    whose identity (contact) the member may see. Text that reads as nothing matches nothing.
    More than ``SEARCH_MATCH_CAP`` matches (counted before the access rules, so the number says
    nothing about anyone) list nothing: the reading comes back with ``too_many`` set.
    """
    readings = read_search(text)
    reading, matches = None, []
    for reading in readings:
        rows = list(_matching(cases, reading).order_by().values_list(*MATCH_FIELDS)[: SEARCH_MATCH_CAP + 1])
        if len(rows) > SEARCH_MATCH_CAP:
            return replace(reading, too_many=True), []
        matches = [_Match(*row, organization_id=membership.organization_id) for row in rows]
        if reading.kind in REVEALS:
            matches = _identifiable(membership, matches, REVEALS[reading.kind])
        if matches:
            break
    matches.sort(key=lambda match: (match.opened_at, match.pk), reverse=True)
    return reading, [match.pk for match in matches]


@dataclass
class Row:
    """One line of the list, ready to print: labels and link made here, not by the template engine."""

    case: object
    name: str
    masked: bool
    url: str = ""
    status: str = ""
    risk: str = ""
    caseworker: str = ""


def case_rows(membership, page):
    """The page's rows with the name each may show: two queries at most, whatever the rows."""
    cases = list(page.object_list)
    page_access = access.page_access(membership, cases)
    statuses = dict(CaseStatus.choices)
    risks = dict(RiskLevel.choices)
    rows = []
    for case in cases:
        name = access.display_name(membership, case, page=page_access)
        rows.append(
            Row(
                case=case,
                name=name,
                masked=name == access.MASKED_NAME,
                url=reverse("clients:case_detail", kwargs={"pk": case.pk}),
                status=statuses.get(case.status, case.status),
                risk=risks.get(case.risk_level, case.risk_level),
                caseworker=str(case.caseworker) if case.caseworker_id else "",
            )
        )
    return rows


def _with_details(page):
    """The page's cases, loaded by primary key with what a row shows, in the page's order.

    By primary key alone: the ids come from the member's own cases, so they are already in scope.
    Only what a row shows is read: a client row is mostly ciphertext the list never opens.
    """
    ids = list(page.object_list)
    details = Case.objects.select_related("client__data_key", "caseworker", "supervisor").only(*LIST_COLUMNS)
    rows = {case.pk: case for case in details.filter(pk__in=ids)} if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def case_page(cases, page_number, *, per_page):
    """A page of ``cases`` (a queryset of ``access.visible_cases``): ids first, in index order,
    however far down the list (counting never joins), then those rows."""
    return _with_details(Paginator(cases.values_list("pk", flat=True), per_page).get_page(page_number))


def search_page(ids, page_number, *, per_page):
    """A page of search results (``search_cases``' ids, already in order and in scope)."""
    return _with_details(Paginator(ids, per_page).get_page(page_number))


def paged(items, page_number, *, per_page):
    return Paginator(items, per_page).get_page(page_number)


# ---------------------------------------------------------------------------------------------
# Alerts and tasks


def inbox_alerts(membership):
    """Open alerts for this member: the organization's supervisor alerts (supervisors), and tasks for them.

    A caseworker alert nobody in particular was given goes to the case's caseworker.
    """
    mine = Q(assigned_to_id=membership.user_id) | Q(
        audience=CaseAlert.Audience.CASEWORKER, assigned_to__isnull=True, case__caseworker_id=membership.user_id
    )
    if membership.allows(Action.SUPERVISE_CASES):
        mine |= Q(audience=CaseAlert.Audience.SUPERVISOR)
    return (
        # The case probed per alert (EXISTS), not ``case__in``: SQLite listed the organization's
        # case ids for every alert query (27 ms at 100,000 cases).
        CaseAlert.objects.filter(access.of_visible_case(membership))
        .filter(mine, resolved_at__isnull=True)
        .select_related("case__client", "case__caseworker", "assigned_to")
        .order_by(
            Switch(When(due_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()),
            "due_at",
            "-created_at",
            "-pk",
        )
    )


# ---------------------------------------------------------------------------------------------
# Link requests addressed to the organization's clients


def _cases_deciding_links(membership):
    """The member's cases whose link requests they may see: sensitive ones only for their team.

    The requesting organization's name says where else the client may be known; for a sensitive
    case that is itself sensitive.
    """
    cases = access.visible_cases(membership)
    if membership.role == Role.SUPERVISOR:  # as access.is_on_case_team: supervisors see every case
        return cases
    return cases.filter(
        Q(sensitivity=Case.Sensitivity.STANDARD)
        | Q(caseworker_id=membership.user_id)
        | Q(supervisor_id=membership.user_id)
    )


def addressed_link_requests(membership):
    return (
        LinkRequest.objects.filter(candidate_id__in=_cases_deciding_links(membership).values("client_id"))
        .select_related("requesting_case__organization", "candidate", "requested_by", "decided_by")
        .order_by(
            Switch(
                When(status=LinkRequest.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            "-requested_at",
            "-pk",
        )
    )


def get_addressed_link_request(membership, pk) -> LinkRequest:
    try:
        return addressed_link_requests(membership).get(pk=pk)
    except (LinkRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
