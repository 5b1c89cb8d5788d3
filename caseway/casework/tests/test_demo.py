"""The demo casework (manage.py seed_demo): plans, tasks, notes, appointments with childcare and
transport support, approved payments and milestones, through the services, idempotent.

Seeding the demo takes tens of seconds: the demo modules share one seeding per test worker, inside a
transaction rolled back when the last of them ends (caseway/tests/shared_demo.py); each test runs in
its own savepoint within it.
"""

import pytest
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework import demo
from caseway.casework.models import Appointment, CaseNote, CasePlan, Milestone, SupportPayment, Task
from caseway.clients.models import Case, CaseStatus


@pytest.fixture(scope="module")
def seeded(demo_network):
    """The demo seeded once per worker and shared with the other demo modules (caseway/tests/shared_demo.py)."""
    return demo_network


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (CasePlan, Task, CaseNote, Appointment, SupportPayment, Milestone)
    }


def test_every_open_case_has_a_plan_a_task_and_an_upcoming_appointment(seeded, db):
    today = timezone.localdate()
    open_cases = Case.objects.exclude(status=CaseStatus.CLOSED).filter(client__erased_at__isnull=True)

    assert open_cases.exists()
    for case in open_cases.filter(caseworker__isnull=False):
        assert CasePlan.objects.filter(case=case).exists(), case.pk
        assert Task.objects.filter(case=case, done_at__isnull=True).exists(), case.pk
        assert Appointment.objects.filter(case=case, starts_at__date__gte=today).exists(), case.pk


def test_it_shows_every_kind_of_work_a_caseworker_meets(seeded, db):
    today = timezone.localdate()

    assert Task.objects.filter(due_on__lt=today, done_at__isnull=True).exists()
    for status in (CasePlan.Status.SUBMITTED, CasePlan.Status.APPROVED, CasePlan.Status.RETURNED):
        assert CasePlan.objects.filter(status=status).exists(), status
    for plan in CasePlan.objects.exclude(decided_by=None):
        assert plan.decided_by_id != plan.submitted_by_id
    assert Appointment.objects.filter(childcare_needed=True, childcare_provided=True).exists()
    assert Appointment.objects.filter(transport_support=Appointment.TransportSupport.VOUCHER).exists()
    attended = Appointment.objects.filter(status=Appointment.Status.ATTENDED, transport_support="stipend")
    assert attended.exists()
    for payment in SupportPayment.objects.filter(appointment__in=attended):
        assert payment.approved_by_id not in (None, payment.recorded_by_id)
    assert Milestone.objects.filter(case__status=CaseStatus.CLOSED, kind=Milestone.Kind.EMPLOYED).exists()


def test_it_wrote_everything_through_the_audited_services(seeded, db):
    assert AuditEvent.objects.filter(action="casework.appointment_booked").count() == Appointment.objects.count()
    assert AuditEvent.objects.filter(action__startswith="casework.").exists()


def test_seeding_again_adds_nothing(seeded, db):
    before = _counts()

    demo.seed({"organizations": {case.organization.acronym: case.organization for case in Case.objects.all()}})

    assert _counts() == before
