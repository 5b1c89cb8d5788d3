"""A pathway step proposes the service matching ranks first for the client (the gate still decides
among them), shows why, and reads a fixed number of queries whatever the number of services.

The client lives in Riverside (the matching tests' geography) and speaks Arabic; org B (Beta Legal
Aid) is open to her (agreement and consent), the outsider's organization (Epsilon Works) is not.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseway.accounts.models import User
from caseway.directory.tests.factories import OrganizationFactory
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role
from caseway.referrals import pathways
from caseway.referrals.models import Urgency
from caseway.referrals.tests.helpers import an_agreement, member
from caseway.referrals.tests.pathway_helpers import START, a_pathway, ready_case, start
from caseway.referrals.tests.test_matching_helpers import (
    Places,
    a_service,
    fresh_caches,  # noqa: F401 - a fixture
    reason_codes,
    speaking,
)
from caseway.tests.personas import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]

CMR = (("health.cmr", Urgency.EMERGENCY, 72, START),)


@pytest.fixture
def places(personas):
    return Places()


def _case(personas, places):
    """Org A's case for a client of Riverside who speaks Arabic, open to org B."""
    return ready_case(personas, admin_area=places.home, languages=["ar"])


def _near_and_speaking(name, organization, places, **values):
    service = a_service(name=name, categories=["health.cmr"], where=places.home, organization=organization, **values)
    speaking(service, "ar")
    return service


def _far(name, organization, places, **values):
    return a_service(name=name, categories=["health.cmr"], where=places.far, organization=organization, **values)


def _plan(personas, case, pathway=None, planner=None):
    pathway = pathway or a_pathway(personas, steps=CMR)
    return pathways.plan(member(personas.caseworker_a), case, pathway, planner=planner)


def _receiving(organization):
    """``organization`` gets staff on Caseway, so it can receive referrals."""
    user = User.objects.filter(email="receiver@example.org").first()
    if user is None:
        return make_member(organization, Role.CASEWORKER, "receiver@example.org")
    Membership.objects.create(user=user, organization=organization, role=Role.CASEWORKER)
    return user


def test_it_proposes_the_service_ranked_first_rather_than_the_first_by_name(personas, places):
    far = _far("Abbey clinic", personas.org_b, places)
    near = _near_and_speaking("Riverside clinic", personas.org_b, places)
    case = _case(personas, places)

    (plan,) = _plan(personas, case)

    assert plan.services == [near, far]
    assert plan.service == near
    assert plan.match.service == near
    assert {"same_district", "language"} <= set(reason_codes(plan.match))
    assert [match.service for match in plan.alternatives] == [far]
    assert plan.match.score > plan.alternatives[0].score


def test_it_starts_the_pathway_with_the_service_ranked_first(personas, places):
    _far("Abbey clinic", personas.org_b, places)
    near = _near_and_speaking("Riverside clinic", personas.org_b, places)
    case = _case(personas, places)

    run = start(personas, a_pathway(personas, steps=CMR), case)

    assert run.referrals.get().to_service == near


def test_the_gate_still_wins_over_the_ranking(personas, places):
    outsider = personas.outsider.memberships.get().organization
    better = _near_and_speaking("Riverside clinic", outsider, places)  # no agreement, no consent
    open_ = _far("Lakeside clinic", personas.org_b, places)
    case = _case(personas, places)

    (plan,) = _plan(personas, case)

    assert plan.services == [better, open_]
    assert plan.service == open_
    assert not plan.blocked
    assert [match.service for match in plan.alternatives] == [better]


def test_with_no_gate_open_it_proposes_the_best_ranked_under_an_agreement(personas, places):
    # Neither organization has the client's consent; only the lower-ranked one has an agreement:
    # consent is what a caseworker can record, an agreement is not.
    outsider = personas.outsider.memberships.get().organization
    _near_and_speaking("Riverside clinic", outsider, places)
    agreed = OrganizationFactory(name="Zeta Health")
    _receiving(agreed)
    an_agreement(personas.org_a, agreed)
    lower = _far("Lakeside clinic", agreed, places)
    case = ready_case(personas, admin_area=places.home, languages=["ar"])

    (plan,) = _plan(personas, case)

    assert plan.service == lower
    assert "has not agreed to be referred to Zeta Health" in " ".join(plan.blocked)


def test_it_keeps_to_services_taking_referrals_now_at_receiving_organizations_and_the_client_may_use(personas, places):
    from caseway.directory.models import Service
    from caseway.directory.models import Sex as ServiceSex

    kept = _far("Lakeside clinic", personas.org_b, places)
    _near_and_speaking("Closed clinic", personas.org_b, places, status=Service.Status.TEMPORARILY_CLOSED)
    _near_and_speaking("Full clinic", personas.org_b, places, accepting_referrals=False)
    _near_and_speaking("Own clinic", personas.org_a, places)
    _near_and_speaking("Unstaffed clinic", OrganizationFactory(name="Eta Care"), places)
    _near_and_speaking("Men's clinic", personas.org_b, places, sex_eligibility=ServiceSex.MALE)
    case = _case(personas, places)

    (plan,) = _plan(personas, case)

    assert plan.services == [kept]


def _start_page(personas, case, pathway, login_as):
    url = reverse("referrals:pathway_start", args=[case.pk, pathway.code])
    return login_as(personas.caseworker_a).get(url)


def test_the_start_page_shows_why_for_the_proposed_service_and_the_others(personas, places, login_as):
    _far("Abbey clinic", personas.org_b, places)
    _near_and_speaking("Riverside clinic", personas.org_b, places)
    case = _case(personas, places)
    pathway = a_pathway(personas, steps=CMR)

    html = _start_page(personas, case, pathway, login_as).content.decode()

    assert html.index("Riverside clinic — Beta Legal Aid") < html.index("Abbey clinic — Beta Legal Aid")
    assert '<option value="' in html and "selected>Riverside clinic — Beta Legal Aid" in html
    why, others = html.split("Why this service", 1)[1].split("Other services for this step, best first", 1)
    assert "Same district" in why and "Speaks Arabic" in why and "Riverside clinic Street 1" in why
    assert "Abbey clinic" in others and "Same country" in others


def test_the_start_page_never_shows_a_confidential_address(personas, places, login_as):
    _far("Abbey clinic", personas.org_b, places)
    _near_and_speaking(
        "Safe house", personas.org_b, places, confidential=True, latitude=Decimal("10.01"), longitude=Decimal("20.01")
    )
    case = _case(personas, places)
    pathway = a_pathway(personas, steps=CMR)

    html = _start_page(personas, case, pathway, login_as).content.decode()

    assert "Safe house" in html
    assert "Safe house Street" not in html
    assert "Confidential location" in html
    assert "km" not in html.split("Why this service", 1)[1].split("Other services", 1)[0]


def _plan_queries(personas, case, pathway):
    pathways.plan(member(personas.caseworker_a), case, pathway)  # warm: the directory's language list
    with CaptureQueriesContext(connection) as queries:
        plans = pathways.plan(member(personas.caseworker_a), case, pathway)
    return len(queries.captured_queries), plans


def test_it_reads_the_same_queries_for_few_and_many_services_and_organizations(personas, places):
    case = _case(personas, places)
    steps = (*CMR, ("mhpss", Urgency.HIGH, 168, START))
    pathway = a_pathway(personas, steps=steps)

    def add(start, count):
        for number in range(start, start + count):
            organization = OrganizationFactory(name=f"Network member {number}")
            _receiving(organization)
            if number % 3 == 0:
                an_agreement(personas.org_a, organization)
            categories = ["health.cmr"] if number % 2 else ["mhpss.counselling"]
            a_service(
                name=f"Service {number}", categories=categories, where=places.next_door, organization=organization
            )
            if number % 4 == 0:
                _near_and_speaking(f"Clinic {number}", personas.org_b, places)

    add(0, 2)
    few, few_plans = _plan_queries(personas, case, pathway)
    add(2, 30)
    many, many_plans = _plan_queries(personas, case, pathway)

    assert [len(plan.services) for plan in few_plans] == [2, 1]
    assert [len(plan.services) for plan in many_plans] == [24, 16]
    assert few == many


def test_it_explains_each_step_within_the_page_budget(personas, places, login_as):
    import gzip

    case = _case(personas, places)
    steps = (*CMR, ("mhpss", Urgency.HIGH, 168, START), ("legal.counselling", Urgency.NORMAL, 336, START))
    pathway = a_pathway(personas, steps=steps)
    for category in ("health.cmr", "mhpss.counselling", "legal.counselling"):
        for number in range(pathways.SERVICES_SHOWN):
            service = a_service(
                name=f"Fictional {category} service {number}",
                categories=[category],
                where=places.home if number % 2 else places.next_door,
                organization=personas.org_b,
                provides_childcare=True,
                provides_transport=True,
            )
            speaking(service, "ar")

    response = _start_page(personas, case, pathway, login_as)

    assert response.status_code == 200
    assert len(gzip.compress(response.content)) <= 20 * 1024


def test_a_planner_ranks_each_category_once(personas, places):
    _near_and_speaking("Riverside clinic", personas.org_b, places)
    case = _case(personas, places)
    planner = pathways.Planner(member(personas.caseworker_a), case)
    pathway = a_pathway(personas, steps=CMR)

    _plan(personas, case, pathway, planner=planner)
    with CaptureQueriesContext(connection) as queries:
        (plan,) = _plan(personas, case, pathway, planner=planner)

    assert plan.service.name == "Riverside clinic"
    assert len(queries.captured_queries) <= 2  # the pathway and its steps; the rankings and gates are kept
