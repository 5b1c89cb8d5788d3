"""A case's pathways pages: progress, starting one (check, start, refusal), referring a step later,
ending a run; right to left; refused to others."""

import pytest
from django.urls import reverse
from django.utils import translation

from caseway.clients.models import Need
from caseway.referrals.models import Pathway, PathwayRun, Referral, Status, Urgency
from caseway.referrals.pathways import StepChoice
from caseway.referrals.tests.pages import assert_refused
from caseway.referrals.tests.pathway_helpers import (
    START,
    a_pathway,
    b_services,
    outsider_training,
    ready_case,
    start,
)

pytestmark = pytest.mark.django_db


def case_url(case):
    return reverse("referrals:case_pathways", args=[case.pk])


def start_url(case, pathway):
    return reverse("referrals:pathway_start", args=[case.pk, pathway.code])


def _mixed(personas):
    """A pathway whose second step only the outsider's organization offers (no consent, no agreement)."""
    b_services(personas)
    outsider_training(personas)
    return a_pathway(
        personas,
        code="returning",
        name="Women returning with children",
        steps=(("health.cmr", Urgency.HIGH, 48, START), ("livelihoods.vocational_training", Urgency.NORMAL, 96, START)),
        needs=["livelihoods"],
    )


def test_it_lists_the_pathways_to_start_the_suited_ones_first(personas, login_as):
    b_services(personas)
    a_pathway(personas, code="a-first", name="A first pathway")
    a_pathway(personas, code="suited", name="Suited pathway", needs=["legal"])
    case = ready_case(personas)
    Need.objects.create(case=case, domain=Need.Domain.LEGAL, priority=Need.Priority.HIGH)

    html = login_as(personas.caseworker_a).get(case_url(case)).content.decode()

    assert "No pathway was started for this client." in html
    assert html.index("Suited pathway") < html.index("A first pathway")
    assert "Suits this client's needs" in html
    assert start_url(case, Pathway.objects.get(code="suited")) in html


def test_it_shows_each_step_with_the_proposed_service_and_why_a_step_is_blocked(personas, login_as):
    pathway = _mixed(personas)
    case = ready_case(personas)

    response = login_as(personas.caseworker_a).get(start_url(case, pathway))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Survivor clinic — Beta Legal Aid" in html
    assert "Cannot be referred now:" in html
    assert "No data-sharing agreement for referrals is in force between Alpha Relief and Epsilon Works" in html
    assert 'name="step_1_include" id="id_step_1_include" checked' in html
    assert '<input type="checkbox" disabled>' in html
    assert 'name="step_1_categories" value="identity" checked' in html


def test_it_starts_the_pathway_and_shows_its_progress_on_the_case(personas, login_as):
    pathway = _mixed(personas)
    case = ready_case(personas)
    client = login_as(personas.caseworker_a)
    form = client.get(start_url(case, pathway)).context["form"]
    service = form.fields["step_1_service"].initial

    response = client.post(
        start_url(case, pathway),
        {"step_1_include": "on", "step_1_service": service, "step_1_categories": ["needs"], "then": "start"},
    )

    run = PathwayRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{case_url(case)}#run-{run.pk}"
    referral = Referral.objects.get()
    assert (referral.status, referral.categories, referral.pathway_run) == (Status.SENT, ["needs"], run)
    html = client.get(case_url(case)).content.decode()
    assert "Pathway started: 1 referral sent. Follow it below." in html
    assert "Women returning with children" in html
    assert "Waiting for an answer" in html
    assert "Blocked" in html
    assert reverse("referrals:pathway_step_refer", args=[run.pk, 2]) in html
    assert "Next:" in html


def test_it_checks_the_services_chosen_again_without_writing(personas, login_as):
    pathway = _mixed(personas)
    case = ready_case(personas)
    client = login_as(personas.caseworker_a)
    form = client.get(start_url(case, pathway)).context["form"]

    response = client.post(
        start_url(case, pathway),
        {"step_1_include": "on", "step_1_service": form.fields["step_1_service"].initial, "then": "check"},
    )

    assert response.status_code == 200
    assert PathwayRun.objects.count() == Referral.objects.count() == 0


def test_it_refuses_a_start_that_cannot_go_whole_and_writes_nothing(personas, login_as):
    pathway = _mixed(personas)
    case = ready_case(personas)
    client = login_as(personas.caseworker_a)
    form = client.get(start_url(case, pathway)).context["form"]

    response = client.post(
        start_url(case, pathway),
        {
            "step_1_include": "on",
            "step_1_service": form.fields["step_1_service"].initial,
            "step_1_categories": ["health"],  # the client did not agree to share it
            "then": "start",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was sent: see what stops each step below." in html
    assert "has not agreed to share this information with Beta Legal Aid: Health" in html
    assert PathwayRun.objects.count() == Referral.objects.count() == 0


def test_it_refers_a_step_later_from_the_case(personas, login_as):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    run = start(personas, pathway, case, choices={3: StepChoice(include=False)})
    client = login_as(personas.caseworker_a)
    url = reverse("referrals:pathway_step_refer", args=[run.pk, 3])
    form = client.get(url).context["form"]

    response = client.post(
        url, {"step_3_service": form.fields["step_3_service"].initial, "step_3_categories": ["needs"], "then": "refer"}
    )

    assert response.status_code == 302
    assert run.referrals.get(pathway_step__order=3).categories == ["needs"]
    # A step under way is not referred twice: back to the case.
    again = client.get(url)
    assert again.status_code == 302 and again["Location"].startswith(case_url(case))


def test_it_ends_a_run_and_lets_it_start_again(personas, login_as):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    run = start(personas, pathway, case)
    client = login_as(personas.caseworker_a)

    response = client.post(reverse("referrals:pathway_run_end", args=[run.pk]))

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.ended_at is not None
    html = client.get(case_url(case)).content.decode()
    assert "Ended" in html
    assert start_url(case, pathway) in html


def test_it_works_right_to_left(personas, login_as):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    start(personas, pathway, case)
    client = login_as(personas.caseworker_a)

    with translation.override("ar"):
        response = client.get(case_url(case), HTTP_ACCEPT_LANGUAGE="ar")
        start_page = client.get(start_url(case, pathway), HTTP_ACCEPT_LANGUAGE="ar")

    assert 'dir="rtl"' in response.content.decode()
    assert 'dir="rtl"' in start_page.content.decode()


def test_it_refuses_anonymous_visitors_other_organizations_and_roles_without_personal_data(client, personas, login_as):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    run = start(personas, pathway, case)

    for url, method in (
        (case_url(case), "get"),
        (start_url(case, pathway), "get"),
        (start_url(case, pathway), "post"),
        (reverse("referrals:pathway_step_refer", args=[run.pk, 1]), "get"),
        (reverse("referrals:pathway_run_end", args=[run.pk]), "post"),
    ):
        assert_refused(client, login_as, personas, url, method, others=("outsider", "caseworker_b"))
    run.refresh_from_db()
    assert run.ended_at is None and PathwayRun.objects.count() == 1


def test_it_answers_404_for_a_pathway_not_in_use(personas, login_as):
    b_services(personas)
    pathway = a_pathway(personas)
    type(pathway).objects.filter(pk=pathway.pk).update(is_active=False)

    response = login_as(personas.caseworker_a).get(start_url(ready_case(personas), pathway))

    assert response.status_code == 404
