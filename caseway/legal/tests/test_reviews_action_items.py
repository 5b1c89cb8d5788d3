"""Action items of a review: a task on the open case of the client of the organization they are
for (read back through the task), otherwise followed and marked done on the review."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework import plan_services
from caseway.casework.models import Task
from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import Case, CaseStatus
from caseway.legal import reviews
from caseway.legal.tests.object_urls_reviews import a_review

pytestmark = pytest.mark.django_db
D = datetime.date


def _review_with(personas, *organizations):
    review = a_review(personas)
    for organization in organizations:
        reviews.participant_add(
            actor=personas.legal_officer_a,
            membership=member(personas.legal_officer_a),
            review=review,
            organization=organization,
        )
    return review


def _add(personas, review, organization, **values):
    values.setdefault("title", "Fictional: obtain the medical certificate.")
    return reviews.action_item_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        review=review,
        organization=organization,
        **values,
    )


def _co_counsel_b(personas, review):
    from caseway.legal import services

    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=review.matter,
        organization=personas.org_b,
        role="co_counsel",
    )


def _finished(item):
    return next(row for row in reviews.action_items_of(item.review) if row.pk == item.pk)


def test_it_makes_a_task_on_the_own_open_case_through_casework(personas):
    review = a_review(personas)
    item = _add(personas, review, personas.org_a, assignee=personas.caseworker_a, due_on=D(2025, 7, 1))
    task = item.task
    assert task.case == review.matter.lead_case
    assert (task.assignee, task.due_on) == (personas.caseworker_a, D(2025, 7, 1))
    assert task.title == "Case review of 2025-06-02: Fictional: obtain the medical certificate."
    assert AuditEvent.objects.get(action="casework.task_added", target_id=str(task.pk)).organization_id == (
        personas.org_a.pk
    )
    assert AuditEvent.objects.get(action="legal.review_action_added").fields == [
        "organization",
        "title",
        "assignee",
        "due_on",
        "task",
    ]


def test_it_never_looks_at_another_organizations_cases_which_takes_the_item_itself(personas):
    review = _review_with(personas, personas.org_b)
    _co_counsel_b(personas, review)
    case_b = Case.objects.create(organization=personas.org_b, client=review.matter.client, origin=Case.Origin.LINK)
    item = _add(personas, review, personas.org_b, due_on=D(2025, 7, 15))
    assert item.task is None, "org A must not learn whether org B has a case of the client"
    assert not Task.objects.exists()
    with pytest.raises(ValidationError):
        reviews.action_item_take(actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=item)
    taken = reviews.action_item_take(
        actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), item=item
    )
    assert (taken.task.case, taken.task.assignee, taken.task.due_on) == (case_b, None, D(2025, 7, 15))
    event = AuditEvent.objects.get(action="casework.task_added", target_id=str(taken.task.pk))
    assert event.organization_id == personas.org_b.pk and event.actor_id == personas.legal_officer_b.pk
    with pytest.raises(ValidationError):
        reviews.action_item_take(actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), item=item)


def test_taking_an_item_without_an_open_case_says_so(personas):
    review = _review_with(personas, personas.org_b)
    _co_counsel_b(personas, review)
    item = _add(personas, review, personas.org_b)
    with pytest.raises(ValidationError) as error:
        reviews.action_item_take(actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), item=item)
    assert "no open case" in error.value.messages[0]


def test_it_refuses_to_give_a_task_to_someone_who_does_not_work_on_cases(personas):
    review = a_review(personas)
    with pytest.raises(ValidationError) as error:
        _add(personas, review, personas.org_a, assignee=personas.admin_a)
    assert "assignee" in error.value.message_dict
    assert not Task.objects.exists()


def test_it_follows_the_item_on_the_review_without_an_open_case(personas):
    review = _review_with(personas, personas.org_b, personas.org_other)
    Case.objects.create(
        organization=personas.org_b, client=review.matter.client, origin=Case.Origin.LINK, status=CaseStatus.CLOSED
    )
    closed_case = _add(personas, review, personas.org_b, assignee=personas.admin_b)
    no_case = _add(personas, review, personas.org_other)
    assert closed_case.task is None and no_case.task is None
    assert closed_case.assignee == personas.admin_b
    reviews.action_item_done(actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=no_case)
    assert _finished(no_case).finished_at is not None
    assert _finished(closed_case).finished_at is None
    with pytest.raises(ValidationError):
        reviews.action_item_done(
            actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=no_case
        )
    assert AuditEvent.objects.get(action="legal.review_action_done").fields == ["done_at"]


def test_it_refuses_an_organization_not_taking_part(personas):
    review = a_review(personas)
    with pytest.raises(ValidationError) as error:
        _add(personas, review, personas.org_b)
    assert error.value.message_dict == {"organization": ["Choose an organization taking part in the review."]}


def test_it_reads_done_through_the_task_done_in_casework(personas):
    review = a_review(personas)
    item = _add(personas, review, personas.org_a)
    assert _finished(item).finished_at is None
    plan_services.task_done(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=item.task.case, task=item.task
    )
    item.refresh_from_db()
    assert item.done_at is None  # kept once, on the task
    assert _finished(item).finished_at == Task.objects.get().done_at


def test_marking_done_a_task_of_the_own_organization_marks_the_task(personas):
    item = _add(personas, a_review(personas), personas.org_a)
    reviews.action_item_done(actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=item)
    assert Task.objects.get().done_at is not None
    assert AuditEvent.objects.filter(action="casework.task_done").count() == 1


def test_another_organizations_task_is_marked_done_by_that_organization_only(personas):
    review = _review_with(personas, personas.org_b)
    _co_counsel_b(personas, review)
    Case.objects.create(organization=personas.org_b, client=review.matter.client, origin=Case.Origin.LINK)
    item = _add(personas, review, personas.org_b)
    reviews.action_item_take(actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), item=item)
    with pytest.raises(ValidationError):
        reviews.action_item_done(actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), item=item)
    assert Task.objects.get().done_at is None
    reviews.action_item_done(actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), item=item)
    assert Task.objects.get().done_at is not None


def test_it_marks_overdue_items_and_hides_them_from_other_organizations(personas):
    review = a_review(personas)
    late = _add(personas, review, personas.org_a, due_on=timezone.localdate() - datetime.timedelta(days=1))
    later = _add(personas, review, personas.org_a, due_on=timezone.localdate())
    assert (_finished(late).overdue, _finished(later).overdue) == (True, False)
    other = member(personas.legal_officer_b)
    with pytest.raises(Http404):
        reviews.action_item_done(actor=personas.legal_officer_b, membership=other, item=late)
    with pytest.raises(Http404):
        reviews.action_item_add(
            actor=personas.legal_officer_b, membership=other, review=review, organization=personas.org_b, title="x"
        )


def test_it_reads_the_person_and_day_of_the_task_once_changed_in_casework(personas):
    item = _add(personas, a_review(personas), personas.org_a, assignee=personas.caseworker_a, due_on=D(2025, 7, 1))
    plan_services.task_update(
        actor=personas.supervisor_a,
        membership=member(personas.supervisor_a),
        case=item.task.case,
        task=item.task,
        assignee=personas.legal_officer_a,
        due_on=D(2025, 8, 1),
    )
    row = _finished(item)
    assert (row.person, row.due, row.overdue) == (personas.legal_officer_a, D(2025, 8, 1), True)
