"""The imminent-risk gate: while a safety plan is required, new work on the case waits for it."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from caseway.clients import gates
from caseway.clients.models import Assessment, Incident
from caseway.clients.tests.assessments_helpers import (
    EVERY_CATEGORY_BUT_RISK,
    a_plan,
    an_incident,
    case_at_a,
    make_imminent,
    member,
    referral_case,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def test_it_lets_a_case_without_imminent_risk_continue(case):
    assert gates.case_may_continue(case)
    gates.check_case_may_continue(case)  # no error


def test_it_stops_a_case_with_imminent_risk_until_a_plan_is_saved(personas, case):
    make_imminent(personas.caseworker_a, case)
    assert not gates.case_may_continue(case)
    with pytest.raises(ValidationError) as raised:
        gates.check_case_may_continue(case)
    assert raised.value.code == "safety_plan_required"

    a_plan(personas.caseworker_a, case)
    case.refresh_from_db()
    assert gates.case_may_continue(case)


def _request(user):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get("/")
    request.user = user
    request.membership = member(user)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_it_sends_the_user_to_the_safety_plan_form_with_a_message(personas, case):
    make_imminent(personas.caseworker_a, case)
    request = _request(personas.caseworker_a)

    response = gates.gate_response(request, case, extra_message="Refer for care now.")

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:safety_plan_edit", kwargs={"pk": case.pk})
    (message,) = [str(m) for m in get_messages(request)]
    assert "safety plan" in message and message.endswith("Refer for care now.")


def test_it_answers_nothing_when_the_case_may_continue(personas, case):
    assert gates.gate_response(_request(personas.caseworker_a), case) is None


def test_it_sends_an_organization_that_may_not_see_risk_to_the_case_page(personas, case):
    referred = referral_case(
        case, personas.org_b, categories=EVERY_CATEGORY_BUT_RISK, recorded_by=member(personas.caseworker_a)
    )
    referred.safety_plan_required = True
    referred.save()
    request = _request(personas.caseworker_b)

    response = gates.gate_response(request, referred)

    assert response["Location"] == reverse("clients:case_detail", kwargs={"pk": referred.pk})
    assert "not agreed to share risk information" in str(next(iter(get_messages(request))))


def test_the_decorator_runs_the_view_only_when_the_case_may_continue(personas, case):
    calls = []

    @gates.safety_plan_first()
    def view(request, pk):
        calls.append(pk)
        return HttpResponse("ran")

    assert view(_request(personas.caseworker_a), pk=case.pk).content == b"ran"
    make_imminent(personas.caseworker_a, case)
    response = view(_request(personas.caseworker_a), pk=case.pk)
    assert response.status_code == 302
    assert calls == [case.pk]


def test_the_decorator_answers_404_for_another_organizations_case(personas, case):
    from django.http import Http404

    @gates.safety_plan_first()
    def view(request, pk):
        return HttpResponse("ran")

    with pytest.raises(Http404):
        view(_request(personas.caseworker_b), pk=case.pk)


@pytest.mark.parametrize(
    "name,kwargs",
    [("assessment_new", {"code": "phq9"}), ("assessment_new", {"code": "risk"}), ("incident_new", {})],
)
def test_it_guards_the_record_pages(personas, login_as, case, name, kwargs):
    make_imminent(personas.caseworker_a, case)
    client = login_as(personas.caseworker_a)

    for method in ("get", "post"):
        response = getattr(client, method)(url(name, case, **kwargs), follow=True)
        assert response.redirect_chain[-1][0] == url("safety_plan_edit", case)
        assert "Imminent risk" in response.content.decode()
    assert Assessment.objects.filter(case=case).count() == 1  # the risk assessment only
    assert not Incident.objects.exists()


def test_it_lets_reading_pages_through_with_a_banner(personas, login_as, case):
    make_imminent(personas.caseworker_a, case)
    client = login_as(personas.caseworker_a)
    for name in ("assessment_list", "safety_plan", "incident_list", "safety_plan_edit"):
        response = client.get(url(name, case))
        assert response.status_code == 200, name
        assert 'id="safety-plan-gate"' in response.content.decode(), name


def test_the_incident_service_obeys_the_gate(personas, case):
    make_imminent(personas.caseworker_a, case)
    with pytest.raises(ValidationError):
        an_incident(personas.caseworker_a, case)
    assert not Incident.objects.exists()


def test_the_record_pages_open_again_once_the_plan_is_saved(personas, login_as, case):
    make_imminent(personas.caseworker_a, case)
    a_plan(personas.caseworker_a, case)
    client = login_as(personas.caseworker_a)
    assert client.get(url("assessment_new", case, code="phq9")).status_code == 200
    assert client.get(url("incident_new", case)).status_code == 200
