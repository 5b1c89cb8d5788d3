"""Reassignment (supervision_services.cases_reassign and its pages): bulk, atomic, audited, refused targets."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework import supervision_services
from caseway.casework.models import Appointment, Task
from caseway.casework.tests.appointment_helpers import an_appointment, started
from caseway.casework.tests.case_helpers import a_task, member, our_case
from caseway.clients.models import Case
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


def reassign(personas, *, user=None, **values):
    user = user or personas.supervisor_a
    return supervision_services.cases_reassign(actor=user, membership=member(user), **values)


@pytest.fixture
def newcomer(personas):
    return make_member(personas.org_a, Role.CASEWORKER, "newcomer.a@example.org", name="New Caseworker")


def test_it_hands_over_every_case_with_open_tasks_and_future_appointments(personas, newcomer):
    first, second = our_case(personas), our_case(personas, given_name="Mona")
    a_task(personas, first, assignee=personas.caseworker_a)
    done = a_task(personas, second, assignee=personas.caseworker_a)
    Task.objects.filter(pk=done.pk).update(done_at=timezone.now())
    a_task(personas, second, assignee=personas.supervisor_a)  # someone else's: stays
    future = an_appointment(personas, case=first, staff=personas.caseworker_a)
    past = started(an_appointment(personas, case=second, staff=personas.caseworker_a), hours=2)

    counts = reassign(personas, from_user=personas.caseworker_a, to_user=newcomer)

    assert counts == {"cases": 2, "tasks": 1, "appointments": 1}
    assert set(Case.objects.filter(caseworker=newcomer).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert Appointment.objects.get(pk=future.pk).staff == newcomer
    assert Appointment.objects.get(pk=past.pk).staff == personas.caseworker_a
    assert Task.objects.get(pk=done.pk).assignee == personas.caseworker_a
    event = AuditEvent.objects.get(action="casework.cases_reassigned")
    assert event.reason == "cases=2 tasks=1 appointments=1"
    assert event.fields == ["case.caseworker", "task.assignee", "appointment.staff"]


def test_it_hands_over_one_case(personas, newcomer):
    first, second = our_case(personas), our_case(personas, given_name="Mona")

    counts = reassign(personas, from_user=personas.caseworker_a, to_user=newcomer, case=first)

    assert counts["cases"] == 1
    assert Case.objects.get(pk=first.pk).caseworker == newcomer
    assert Case.objects.get(pk=second.pk).caseworker == personas.caseworker_a


def test_it_refuses_targets_outside_the_organization_or_without_the_role(personas, newcomer):
    our_case(personas)
    Membership.objects.filter(user=newcomer).update(is_active=False)
    for target in (personas.caseworker_b, personas.admin_a, personas.monitor_a, newcomer, personas.caseworker_a):
        with pytest.raises(ValidationError):
            reassign(personas, from_user=personas.caseworker_a, to_user=target)
    assert not AuditEvent.objects.filter(action="casework.cases_reassigned").exists()
    assert Case.objects.filter(caseworker=personas.caseworker_a).count() == 1


def test_it_is_for_supervisors_of_the_organization(personas, newcomer):
    case = our_case(personas)
    with pytest.raises(PermissionDenied):
        reassign(personas, user=personas.caseworker_a, from_user=personas.caseworker_a, to_user=newcomer)
    with pytest.raises(ValidationError):  # not a member of org B: refused as a target
        reassign(personas, user=personas.supervisor_b, from_user=personas.caseworker_a, to_user=newcomer)
    assert Case.objects.get(pk=case.pk).caseworker == personas.caseworker_a


def test_it_hands_over_from_the_pages(personas, login_as, newcomer):
    case = our_case(personas)
    client = login_as(personas.supervisor_a)
    url = reverse("casework:caseload_reassign")

    assert client.get(url, {"from_user": personas.caseworker_a.pk}).status_code == 200
    response = client.post(url, {"from_user": personas.caseworker_a.pk, "to_user": personas.caseworker_b.pk})
    assert response.status_code == 400
    response = client.post(url, {"from_user": personas.caseworker_a.pk, "to_user": newcomer.pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).caseworker == newcomer

    one = reverse("casework:case_reassign", args=[case.pk])
    assert client.post(one, {"to_user": personas.caseworker_a.pk}).status_code == 302
    assert Case.objects.get(pk=case.pk).caseworker == personas.caseworker_a
    assert login_as(personas.caseworker_a).post(one, {"to_user": newcomer.pk}).status_code == 403
    assert login_as(personas.supervisor_b).post(one, {"to_user": newcomer.pk}).status_code == 404


def test_it_leaves_everything_as_it_was_when_a_step_fails(personas, newcomer, monkeypatch):
    case = our_case(personas)
    a_task(personas, case, assignee=personas.caseworker_a, due_on=timezone.localdate() + datetime.timedelta(1))

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(supervision_services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        reassign(personas, from_user=personas.caseworker_a, to_user=newcomer)
    assert Case.objects.get(pk=case.pk).caseworker == personas.caseworker_a
    assert not Task.objects.filter(assignee=newcomer).exists()
