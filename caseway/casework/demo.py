"""Demo casework: plans, tasks, notes, appointments, support payments and milestones for the demo cases.

Written through the casework services, as the organization's demo caseworker (and supervisor,
for approvals), so every rule of the pages holds. Each case gets a deterministic share of the
work from its own seed, so a second run adds nothing. Everything is fictional and generic: the
texts say nothing about anyone.

- open and active cases: a plan with a goal per open need (up to three), sent for approval for
  half of them (a supervisor approves half of those and returns one in five with comments); two
  tasks (one overdue for a third of them); a contact note; an appointment in the coming two weeks
  (a third needing childcare, a third with a transport stipend or voucher), and for some a past
  appointment attended with its transport stipend (a support payment, approved by a supervisor);
  a milestone for a quarter;
- closed cases: the milestones of a reintegration (training, work, documents).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from caseway.casework import appointment_services, note_services, payment_services, plan_services, supervision_services
from caseway.casework.models import Appointment, CaseNote, CasePlan, Domain, Milestone, SupportPayment
from caseway.clients.models import Case, CaseStatus, Need
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role

DEMO_DOMAIN = "demo.example.org"
CURRENCY = {"XA": "USD", "XB": "EUR"}
GOALS = {
    Domain.SAFETY: "Review the safety plan together and keep it up to date.",
    Domain.HEALTH: "Attend the health appointments agreed with the clinic.",
    Domain.MENTAL_HEALTH: "Take part in the counselling sessions agreed.",
    Domain.LEGAL: "Receive legal counselling and decide on next steps.",
    Domain.HOUSING: "Find safe and stable housing.",
    Domain.CHILDCARE: "Arrange childcare on training and appointment days.",
    Domain.EDUCATION: "Enrol in the literacy or language class of choice.",
    Domain.LIVELIHOODS: "Complete a vocational training and look for work.",
    Domain.CIVIL_DOCUMENTATION: "Obtain the missing civil documents.",
}
TASKS = (
    "Call to confirm the next appointment.",
    "Check the childcare arrangement with the centre.",
    "Prepare the transport stipend for the next visit.",
    "Follow up the referral with the receiving organization.",
)
NOTE = "Met as planned. Reviewed the goals together; next contact agreed."
RETURNED = "Please add a target date to each goal and a first task for the most urgent one."
CLOSED_MILESTONES = (
    (Milestone.Kind.TRAINING_ENROLLED, 200, "", ""),
    (Milestone.Kind.TRAINING_COMPLETED, 120, "", ""),
    (Milestone.Kind.EMPLOYED, 60, "C", Milestone.Formality.INFORMAL),
    (Milestone.Kind.DOCUMENTS_OBTAINED, 90, "", ""),
)
OPEN_MILESTONES = (Milestone.Kind.CHILDCARE_ARRANGED, Milestone.Kind.SAFE_HOUSING, Milestone.Kind.TRAINING_ENROLLED)


class _Team:
    """The organization's demo caseworker and supervisor memberships."""

    def __init__(self, organization):
        members = list(
            Membership.objects.filter(organization=organization, is_active=True, user__email__endswith=DEMO_DOMAIN)
            .select_related("user", "organization")
            .order_by("user__email")
        )
        self.caseworker = next((m for m in members if m.role in (Role.CASEWORKER, Role.LEGAL_OFFICER)), None)
        self.supervisor = next((m for m in members if m.role == Role.SUPERVISOR), None)

    def worker_for(self, case):
        if case.caseworker_id:
            found = Membership.objects.filter(
                user_id=case.caseworker_id, organization_id=case.organization_id, is_active=True
            ).first()
            if found is not None:
                return found
        return self.caseworker or self.supervisor


def _already_seeded(case) -> bool:
    return (
        CasePlan.objects.filter(case=case).exists()
        or Appointment.objects.filter(case=case).exists()
        or Milestone.objects.filter(case=case).exists()
        or CaseNote.objects.filter(case=case).exists()
    )


def _domains(case) -> list[str]:
    needs = Need.objects.filter(case=case).exclude(status=Need.Status.CLOSED).order_by("pk")
    wanted = [need.domain for need in needs if need.domain in Domain.values]
    return list(dict.fromkeys(wanted))[:3] or [Domain.SAFETY]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _open_case(case, worker, team, rng, today) -> None:
    actor = worker.user
    for domain in _domains(case):
        plan_services.goal_add(
            actor=actor,
            membership=worker,
            case=case,
            domain=domain,
            description=GOALS[domain],
            target_date=today + datetime.timedelta(days=rng.choice((30, 60, 90))),
        )
    if rng.random() < 0.5:
        plan_services.plan_submit(actor=actor, membership=worker, case=case)
        _decide(case, worker, team, rng)
    overdue = rng.random() < 0.34
    for number, title in enumerate(rng.sample(TASKS, 2)):
        due = today + datetime.timedelta(days=rng.randint(2, 10))
        if number == 0 and overdue:
            due = today - datetime.timedelta(days=rng.randint(1, 5))
        plan_services.task_add(actor=actor, membership=worker, case=case, title=title, assignee=actor, due_on=due)
    note_services.note_write(actor=actor, membership=worker, case=case, kind=CaseNote.Kind.CONTACT, text=NOTE)
    _appointments(case, worker, team, rng, today)
    if rng.random() < 0.25:
        plan_services.milestone_record(
            actor=actor,
            membership=worker,
            case=case,
            kind=rng.choice(OPEN_MILESTONES),
            reached_on=today - datetime.timedelta(days=rng.randint(3, 40)),
        )


def _decide(case, worker, team, rng) -> None:
    """Most plans sent are approved by a supervisor, one in five comes back with comments; some wait."""
    supervisor = team.supervisor
    if supervisor is None or supervisor.user_id == worker.user_id:
        return
    roll = rng.random()
    if roll < 0.5:
        supervision_services.plan_approve(actor=supervisor.user, membership=supervisor, case=case)
    elif roll < 0.7:
        supervision_services.plan_return(actor=supervisor.user, membership=supervisor, case=case, comment=RETURNED)


def _appointments(case, worker, team, rng, today) -> None:
    actor = worker.user
    currency = CURRENCY.get(case.organization.country, "USD")
    day = today + datetime.timedelta(days=rng.randint(0, 13))
    hour = rng.choice((9, 10, 11, 14, 15))
    details = {"kind": rng.choice(Appointment.Kind.values[:4]), "mode": Appointment.Mode.IN_PERSON}
    roll = rng.random()
    if roll < 0.34:
        details |= {"childcare_needed": True, "childcare_provided": True, "childcare_where": "The centre's play room"}
    elif roll < 0.67:
        details |= {
            "transport_needed": True,
            "transport_support": rng.choice(Appointment.TransportSupport.values[1:]),
            "transport_amount": rng.choice((5, 8, 10)),
            "transport_currency": currency,
        }
    appointment_services.appointment_book(
        actor=actor, membership=worker, case=case, starts_at=_at(day, hour), ends_at=_at(day, hour + 1), **details
    )
    if rng.random() < 0.4 and team.supervisor is not None:
        _past_visit_with_stipend(case, worker, team, rng, today, currency)


def _past_visit_with_stipend(case, worker, team, rng, today, currency) -> None:
    actor = worker.user
    day = today - datetime.timedelta(days=rng.randint(3, 20))
    appointment = appointment_services.appointment_book(
        actor=actor,
        membership=worker,
        case=case,
        starts_at=_at(day, 10),
        ends_at=_at(day, 11),
        kind=Appointment.Kind.CASEWORK,
        transport_needed=True,
        transport_support=Appointment.TransportSupport.STIPEND,
        transport_amount=8,
        transport_currency=currency,
    )
    appointment_services.appointment_attended(actor=actor, membership=worker, appointment=appointment)
    for payment in SupportPayment.objects.filter(appointment=appointment, approved_by__isnull=True):
        if team.supervisor.user_id != actor.pk:
            payment_services.payment_approve(actor=team.supervisor.user, membership=team.supervisor, payment=payment)


def _closed_case(case, worker, rng, today) -> None:
    for kind, days_ago, sector, formality in rng.sample(CLOSED_MILESTONES, 2):
        plan_services.milestone_record(
            actor=worker.user,
            membership=worker,
            case=case,
            kind=kind,
            reached_on=today - datetime.timedelta(days=days_ago),
            sector=sector,
            formality=formality,
        )


def seed(network: dict) -> None:
    today = timezone.localdate()
    # Every case of the demo network: the clients demo's, and those the referrals demo opened at
    # the receiving organizations when they accepted.
    cases = (
        Case.objects.filter(organization__in=network["organizations"].values())
        .select_related("client", "organization")
        .order_by("opened_at", "pk")
    )
    teams = {}
    for case in cases:
        if case.client.erased_at is not None or _already_seeded(case):
            continue
        team = teams.setdefault(case.organization_id, _Team(case.organization))
        worker = team.worker_for(case)
        if worker is None:
            continue
        rng = random.Random(f"casework-demo-{case.client.code}")
        with transaction.atomic():
            if case.status == CaseStatus.CLOSED:
                _closed_case(case, worker, rng, today)
            else:
                _open_case(case, worker, team, rng, today)
