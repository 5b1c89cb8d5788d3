"""Coordinators define pathways as data: services and pages, frozen once started, copied to change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.referrals import pathways
from caseway.referrals.models import Pathway, PathwayStep, Urgency
from caseway.referrals.tests.helpers import member
from caseway.referrals.tests.pages import assert_login_required
from caseway.referrals.tests.pathway_helpers import START, a_pathway, b_services, coordinator, ready_case, start

pytestmark = pytest.mark.django_db


def _add(personas, pathway, **values):
    by = coordinator(personas)
    values = {"category": "mhpss", "urgency": Urgency.NORMAL, "within_hours": 48, "due_from": START, **values}
    return pathways.pathway_step_add(actor=by.user, membership=by, pathway=pathway, **values)


# ---------------------------------------------------------------------------------------------
# Services


def test_it_defines_a_pathway_with_its_need_profile_and_ordered_steps(personas):
    pathway = a_pathway(personas, needs=["health", "mental_health"], urgent_health_need=True, description="Seen early.")

    assert pathway.need_profile == {"needs": ["health", "mental_health"], "urgent_health_need": True}
    assert [(step.order, step.category) for step in pathway.steps.all()] == [
        (1, "health.cmr"),
        (2, "mhpss"),
        (3, "legal.counselling"),
    ]
    assert pathway.created_by == personas.coordinator
    assert AuditEvent.objects.filter(action="referrals.pathway_step_added").count() == 3
    created = AuditEvent.objects.get(action="referrals.pathway_created")
    assert created.fields == ["code", "name", "description", "need_profile"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "no.such.category"}, "category"),
        ({"urgency": "whenever"}, "urgency"),
        ({"within_hours": 0}, "within_hours"),
        ({"within_hours": 24 * 366}, "within_hours"),
        ({"due_from": "yesterday"}, "due_from"),
        ({"order": 1}, "order"),
        ({"order": 0}, "order"),
    ],
)
def test_it_refuses_a_step_it_cannot_follow(personas, values, field):
    pathway = a_pathway(personas)

    with pytest.raises(ValidationError) as refused:
        _add(personas, pathway, **values)

    assert field in refused.value.message_dict
    assert pathway.steps.count() == 3


def test_it_refuses_a_category_no_longer_in_use(personas):
    from caseway.directory import queries

    queries.caseway_terms().filter(code="mhpss.pfa").update(is_active=False)

    with pytest.raises(ValidationError, match="Choose a need category in use"):
        _add(personas, a_pathway(personas), category="mhpss.pfa")


@pytest.mark.parametrize(("code", "message"), [("crsv-72h", "Another pathway"), ("Bad Code", "lower-case")])
def test_it_refuses_a_code_taken_or_malformed(personas, code, message):
    a_pathway(personas)
    by = coordinator(personas)

    with pytest.raises(ValidationError, match=message):
        pathways.pathway_create(actor=by.user, membership=by, code=code, name="Another")


def test_it_lets_only_coordinators_define_pathways(personas):
    for name in ("caseworker_a", "supervisor_a", "admin_a", "donor", "monitor_a"):
        by = member(getattr(personas, name))
        with pytest.raises(PermissionDenied):
            pathways.pathway_create(actor=by.user, membership=by, code="x-1", name="X")
    assert not Pathway.objects.exists()


def test_it_freezes_the_steps_once_started_and_copies_them(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    start(personas, pathway, ready_case(personas))
    by = coordinator(personas)
    step = pathway.steps.get(order=2)

    with pytest.raises(ValidationError, match="Copy the pathway"):
        _add(personas, pathway)
    with pytest.raises(ValidationError, match="Copy the pathway"):
        pathways.pathway_step_update(
            actor=by.user,
            membership=by,
            step=step,
            category="mhpss",
            urgency="normal",
            within_hours=1,
            due_from=START,
            order=2,
        )
    with pytest.raises(ValidationError, match="Copy the pathway"):
        pathways.pathway_step_remove(actor=by.user, membership=by, step=step)

    copy = pathways.pathway_copy(actor=by.user, membership=by, pathway=pathway, code="crsv-72h-v2", name="CRSV v2")
    pathways.pathway_step_remove(actor=by.user, membership=by, step=copy.steps.get(order=3))
    assert [step.category for step in copy.steps.all()] == ["health.cmr", "mhpss"]
    assert pathway.steps.count() == 3
    changed = pathways.pathway_update(
        actor=by.user,
        membership=by,
        pathway=pathway,
        name=pathway.name,
        description="",
        needs=[],
        urgent_health_need=False,
        is_active=False,
    )
    assert changed == ["is_active"]


def test_it_changes_a_step_of_a_pathway_not_started(personas):
    pathway = a_pathway(personas)
    by = coordinator(personas)
    step = pathway.steps.get(order=3)

    changed = pathways.pathway_step_update(
        actor=by.user,
        membership=by,
        step=step,
        category="legal.representation",
        urgency=Urgency.HIGH,
        within_hours=24,
        due_from=START,
        order=4,
    )

    assert changed == ["category", "urgency", "within_hours", "due_from", "order"]
    step.refresh_from_db()
    assert (step.category, step.order, step.due_from) == ("legal.representation", 4, PathwayStep.DueFrom.START)


# ---------------------------------------------------------------------------------------------
# Pages


def test_it_walks_a_coordinator_through_creating_a_pathway_and_its_steps(personas, login_as):
    client = login_as(personas.coordinator)

    response = client.post(
        reverse("referrals:pathway_create"),
        {"code": "returning", "name": "Women returning with children", "needs": ["childcare", "livelihoods"]},
    )
    pathway = Pathway.objects.get(code="returning")
    assert response.status_code == 302 and response["Location"] == reverse("referrals:pathway_edit", args=[pathway.pk])

    step_url = reverse("referrals:pathway_step_add", args=[pathway.pk])
    response = client.post(
        step_url, {"category": "childcare", "urgency": "normal", "within": "7", "unit": "days", "due_from": "start"}
    )
    assert response.status_code == 302
    response = client.post(
        step_url, {"category": "mhpss", "urgency": "high", "within": "36", "unit": "hours", "due_from": "previous"}
    )
    assert response.status_code == 302
    assert [(step.order, step.within_hours, step.due_from) for step in pathway.steps.all()] == [
        (1, 168, "start"),
        (2, 36, "previous"),
    ]

    html = client.get(reverse("referrals:pathway_edit", args=[pathway.pk])).content.decode()
    assert "within 7 days of the start" in html
    assert "within 36 hours of the previous step&#x27;s acceptance" in html
    listed = client.get(reverse("referrals:pathway_list")).content.decode()
    assert "Women returning with children" in listed
    assert reverse("referrals:pathway_list") in client.get(reverse("home")).content.decode()


def test_it_shows_a_coordinator_what_is_wrong_with_a_step(personas, login_as):
    pathway = a_pathway(personas)
    client = login_as(personas.coordinator)

    response = client.post(
        reverse("referrals:pathway_step_add", args=[pathway.pk]),
        {"order": "2", "category": "mhpss", "urgency": "normal", "within": "2", "unit": "days", "due_from": "start"},
    )

    assert response.status_code == 400
    assert "Another step has this number" in response.content.decode()


def test_it_edits_removes_and_copies_on_the_pages(personas, login_as):
    pathway = a_pathway(personas)
    client = login_as(personas.coordinator)
    step = pathway.steps.get(order=2)

    response = client.post(
        reverse("referrals:pathway_step_edit", args=[step.pk]),
        {
            "order": "2",
            "category": "mhpss.counselling",
            "urgency": "high",
            "within": "5",
            "unit": "days",
            "due_from": "previous",
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.category, step.within_hours) == ("mhpss.counselling", 120)

    assert client.post(reverse("referrals:pathway_step_remove", args=[step.pk])).status_code == 302
    assert list(pathway.steps.values_list("order", flat=True)) == [1, 3]

    response = client.post(reverse("referrals:pathway_copy", args=[pathway.pk]), {"code": "crsv-v2", "name": "CRSV 2"})
    copy = Pathway.objects.get(code="crsv-v2")
    assert response["Location"] == reverse("referrals:pathway_edit", args=[copy.pk])
    assert copy.steps.count() == 2

    response = client.post(
        reverse("referrals:pathway_edit", args=[pathway.pk]), {"name": "CRSV (old)", "description": "", "is_active": ""}
    )
    pathway.refresh_from_db()
    assert (response.status_code, pathway.name, pathway.is_active) == (302, "CRSV (old)", False)


def test_it_keeps_the_definition_pages_to_coordinators(client, personas, login_as):
    pathway = a_pathway(personas)
    step = pathway.steps.first()
    urls = [
        (reverse("referrals:pathway_list"), "get"),
        (reverse("referrals:pathway_create"), "get"),
        (reverse("referrals:pathway_edit", args=[pathway.pk]), "get"),
        (reverse("referrals:pathway_copy", args=[pathway.pk]), "get"),
        (reverse("referrals:pathway_step_add", args=[pathway.pk]), "get"),
        (reverse("referrals:pathway_step_edit", args=[step.pk]), "get"),
        (reverse("referrals:pathway_step_remove", args=[step.pk]), "post"),
    ]
    for url, method in urls:
        assert_login_required(client, url, method)
        for name in ("caseworker_a", "supervisor_b", "admin_a", "donor", "monitor_a"):
            login_as(getattr(personas, name))
            assert getattr(client, method)(url).status_code == 403, (url, name)
        login_as(personas.coordinator)
        assert getattr(client, method)(url).status_code in {200, 302}, url
    assert client.get(reverse("referrals:pathway_edit", args=[999999])).status_code == 404
