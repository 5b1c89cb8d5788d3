"""A small crafted data set per indicator, with known answers.

Clients and cases are registered through the real service (``a_case``: real vault, real keys) and
consent to statistics through real consent rows; the work on them (appointments, referrals,
assessments, goals, milestones, legal matters...) is written straight to the tables with chosen
dates, as the legal analytics tests do (the services that write them are tested in their apps).
Every builder returns the raw answer ``queries.compute`` must give for ``PERIOD``, network-wide,
as {measure: {(): count}} or the median.

``PERIOD`` is a month that ended more than 60 days ago, so every cohort and deadline in it has
come.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from caseway.casework.models import Appointment, CasePlan, Goal, Milestone
from caseway.casework.tests.appointment_helpers import member
from caseway.clients import instruments
from caseway.clients.assessment_services import instrument_row
from caseway.clients.models import Assessment, CaseStatus, ConsentPurpose, Sex
from caseway.clients.tests.factories import a_case, give_consent
from caseway.indicators.periods import Period, PeriodKind
from caseway.legal.models import (
    Deadline,
    DeadlineRule,
    Jurisdiction,
    LegalMatter,
    MatterEvent,
    Remedy,
    Stage,
    StageChange,
)
from caseway.referrals.models import Outcome, Referral, ReferralEvent, Status

PERIOD = Period.containing(PeriodKind.MONTH, timezone.localdate() - datetime.timedelta(days=70))
DAY = datetime.timedelta(days=1)


def at(days: float, base: datetime.date | None = None) -> datetime.datetime:
    """Noon, ``days`` after the first day of the period (negative: before it), site time."""
    day = (base or PERIOD.start) + datetime.timedelta(days=int(days))
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)


def on(days: int) -> datetime.date:
    return PERIOD.start + datetime.timedelta(days=days)


def a_client(personas, *, counted=True, user=None, **values):
    """A case at the user's organization (caseworker A by default), counted in statistics or not."""
    membership = member(user or personas.caseworker_a)
    case = a_case(membership, **values)
    if counted:
        give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=membership)
    return case


def stop_counting(case, personas):
    """The client refuses statistics from now on (a newer answer than the grant)."""
    give_consent(
        case.client,
        ConsentPurpose.STATISTICS,
        recorded_by=member(personas.caseworker_a),
        granted=False,
        recorded_at=timezone.now(),
    )


def update(case, **values):
    type(case).objects.filter(pk=case.pk).update(**values)


def appointment(case, starts_at, status=Appointment.Status.ATTENDED, **values):
    return Appointment.objects.create(
        case=case,
        data_key_id=case.client.data_key_id,
        kind=Appointment.Kind.CASEWORK,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        status=status,
        **values,
    )


def referral(case, *, to, status=Status.ACCEPTED, **values):
    """A referral of ``case``'s client from its organization to ``to``."""
    values.setdefault("client", case.client)
    return Referral.objects.create(
        from_case=case,
        from_organization_id=case.organization_id,
        to_organization=to,
        data_key_id=case.client.data_key_id,
        status=status,
        **values,
    )


def assessment(case, code, *, when, stage=Assessment.Stage.FOLLOW_UP, score=None, band=""):
    return Assessment.objects.create(
        client=case.client,
        case=case,
        instrument=instrument_row(instruments.load(code)),
        stage=stage,
        data_key_id=case.client.data_key_id,
        answers={},
        score=None if score is None else Decimal(score),
        band=band,
        assessed_at=when,
    )


def goal(case, *, target_date, status):
    plan, _created = CasePlan.objects.get_or_create(case=case, defaults={"data_key_id": case.client.data_key_id})
    return Goal.objects.create(
        plan=plan,
        data_key_id=case.client.data_key_id,
        domain="livelihoods",
        description="Find paid work.",
        target_date=target_date,
        status=status,
    )


def milestone(case, kind, reached_on):
    return Milestone.objects.create(case=case, kind=kind, reached_on=reached_on)


def matter(case, **values):
    values.setdefault("type", "human_rights_body")
    values.setdefault("jurisdiction", Jurisdiction.objects.get(code="echr"))
    return LegalMatter.objects.create(
        client=case.client,
        lead_case=case,
        lead_organization_id=case.organization_id,
        data_key_id=case.client.data_key_id,
        **values,
    )


# ---------------------------------------------------------------------------------------------
# One builder per indicator: the data, and the answer


def clients_served(personas):
    served = a_client(personas, sex=Sex.FEMALE)
    appointment(served, at(3))
    appointment(served, at(9))  # a second service: still one person
    by_referral = a_client(personas, sex=Sex.MALE)
    other = a_client(personas, user=personas.caseworker_b)
    referral(
        other,
        to=personas.org_a,
        to_case=by_referral,
        status=Status.COMPLETED,
        outcome=Outcome.SERVICE_PROVIDED,
        closed_at=at(5),
        client=by_referral.client,
    )
    appointment(a_client(personas), at(-3))  # before the period
    appointment(a_client(personas), at(4), status=Appointment.Status.NO_SHOW)  # did not come
    appointment(a_client(personas, counted=False), at(4))  # not counted
    return {"clients_served": 2}


def referral_acceptance_rate(personas):
    case = a_client(personas)
    to = personas.org_b
    for status in (Status.ACCEPTED, Status.IN_SERVICE, Status.DECLINED):
        referral(case, to=to, status=status, sent_at=at(1), answered_at=at(2))
    referral(case, to=to, status=Status.ACCEPTED, sent_at=at(-5), answered_at=at(-4))  # before
    referral(case, to=to, status=Status.SENT, sent_at=at(2))  # not answered
    referral(a_client(personas, counted=False), to=to, status=Status.ACCEPTED, sent_at=at(1), answered_at=at(2))
    return {"referrals_accepted": 2, "referrals_answered": 3}


def referral_days_to_service(personas):
    case = a_client(personas)
    for sent, started in ((1, 3), (0, 10), (0, 5)):
        # Each of a client of its own: a median's base counts people too.
        item = referral(
            a_client(personas), to=personas.org_b, status=Status.IN_SERVICE, sent_at=at(sent), answered_at=at(sent)
        )
        ReferralEvent.objects.create(
            referral=item, from_status=Status.ACCEPTED, to_status=Status.IN_SERVICE, at=at(started)
        )
    early = referral(case, to=personas.org_b, status=Status.IN_SERVICE, sent_at=at(-30))
    ReferralEvent.objects.create(referral=early, from_status=Status.ACCEPTED, to_status=Status.IN_SERVICE, at=at(-2))
    hidden = referral(a_client(personas, counted=False), to=personas.org_b, status=Status.IN_SERVICE, sent_at=at(-90))
    ReferralEvent.objects.create(referral=hidden, from_status=Status.ACCEPTED, to_status=Status.IN_SERVICE, at=at(10))
    return {"median": (3, 5.0)}


def retention_90_days(personas):
    opened = at(1) - datetime.timedelta(days=90)
    mark = opened + datetime.timedelta(days=90)
    update(a_client(personas), opened_at=opened, last_contact_at=mark + 2 * DAY)  # retained
    update(  # closed before day 90
        a_client(personas),
        opened_at=opened,
        last_contact_at=mark + DAY,
        closed_at=opened + 30 * DAY,
        status=CaseStatus.CLOSED,
    )
    update(a_client(personas), opened_at=opened, last_contact_at=opened + 10 * DAY)  # no contact since
    update(a_client(personas), opened_at=opened - 200 * DAY, last_contact_at=mark)  # another cohort
    update(a_client(personas, counted=False), opened_at=opened, last_contact_at=mark + DAY)
    return {"cases_retained": 1, "cases_retention_due": 3}


def goals_achieved(personas):
    case = a_client(personas)
    goal(case, target_date=on(3), status=Goal.Status.ACHIEVED)
    goal(case, target_date=on(4), status=Goal.Status.IN_PROGRESS)
    goal(case, target_date=on(5), status=Goal.Status.DROPPED)
    goal(case, target_date=PERIOD.after, status=Goal.Status.ACHIEVED)  # due after the period
    goal(a_client(personas, counted=False), target_date=on(3), status=Goal.Status.ACHIEVED)
    return {"goals_achieved": 1, "goals_due": 3}


def wellbeing_improved_who5(personas):
    def series(case, baseline, *follow_ups):
        if baseline is not None:
            assessment(case, "who5", when=at(-40), stage=Assessment.Stage.BASELINE, score=baseline)
        for day, score in follow_ups:
            assessment(case, "who5", when=at(day), score=score)

    series(a_client(personas), 40, (5, 56))  # +16: improved
    series(a_client(personas), 40, (5, 45))  # +5
    series(a_client(personas), 40, (3, 60), (8, 48))  # the latest counts: +8
    series(a_client(personas), None, (5, 80))  # no baseline
    series(a_client(personas), 40, (-5, 80))  # follow-up before the period
    series(a_client(personas, counted=False), 20, (5, 90))
    return {"who5_improved": 1, "who5_followed_up": 3}


def phq9_severity_reduced(personas):
    def series(case, baseline, follow_up):
        assessment(case, "phq9", when=at(-40), stage=Assessment.Stage.BASELINE, band=baseline)
        assessment(case, "phq9", when=at(6), band=follow_up)

    series(a_client(personas), "moderate", "mild")
    series(a_client(personas), "moderate", "moderate")
    series(a_client(personas), "severe", "moderately_severe")
    series(a_client(personas), "none_minimal", "none_minimal")  # nothing to reduce
    series(a_client(personas, counted=False), "severe", "mild")
    return {"phq9_reduced": 2, "phq9_followed_up": 3}


def risk_level_reduced(personas):
    def series(case, *assessments):
        for day, band in assessments:
            assessment(case, "risk", when=at(day), band=band, stage=Assessment.Stage.BASELINE)

    series(a_client(personas), (-20, "high"), (4, "low"))
    series(a_client(personas), (-20, "medium"), (4, "high"))
    series(a_client(personas), (-20, "low"), (4, "low"))  # nothing to reduce
    series(a_client(personas), (4, "high"))  # assessed once: not reassessed
    series(a_client(personas, counted=False), (-20, "imminent"), (4, "low"))
    return {"risk_reduced": 1, "risk_reassessed": 2}


def _closed(personas, days_before, *, counted=True):
    case = a_client(personas, counted=counted)
    update(case, status=CaseStatus.CLOSED, closed_at=at(2) - datetime.timedelta(days=days_before))
    return case


def employed_6_months_after_closure(personas):
    milestone(_closed(personas, 182), Milestone.Kind.EMPLOYED, on(-100))
    _closed(personas, 182)
    milestone(_closed(personas, 182), Milestone.Kind.BUSINESS_STARTED, PERIOD.after + DAY)  # too late
    milestone(_closed(personas, 400), Milestone.Kind.EMPLOYED, on(-100))  # another cohort
    milestone(_closed(personas, 182, counted=False), Milestone.Kind.EMPLOYED, on(-100))
    return {"employed_6_months_after_closure": 1, "closed_6_months_ago": 3}


def employed_12_months_after_closure(personas):
    milestone(_closed(personas, 365), Milestone.Kind.BUSINESS_STARTED, on(-300))
    _closed(personas, 365)
    milestone(_closed(personas, 182), Milestone.Kind.EMPLOYED, on(-100))  # the 6-month cohort
    return {"employed_12_months_after_closure": 1, "closed_12_months_ago": 2}


def training_completion(personas):
    done = a_client(personas)
    milestone(done, Milestone.Kind.TRAINING_ENROLLED, on(2))
    milestone(done, Milestone.Kind.TRAINING_COMPLETED, PERIOD.after + 10 * DAY)
    milestone(a_client(personas), Milestone.Kind.TRAINING_ENROLLED, on(2))
    earlier = a_client(personas)
    milestone(earlier, Milestone.Kind.TRAINING_ENROLLED, on(-30))
    milestone(earlier, Milestone.Kind.TRAINING_COMPLETED, on(3))
    milestone(a_client(personas, counted=False), Milestone.Kind.TRAINING_ENROLLED, on(2))
    return {"training_completed": 1, "training_enrolled": 2}


def _childcare_appointments(personas):
    case = a_client(personas)
    attended, missed = Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW
    for status in (attended, attended, missed, Appointment.Status.CANCELLED):
        appointment(case, at(3), status=status, childcare_needed=True, childcare_provided=True)
    for status in (attended, missed, missed):
        appointment(case, at(4), status=status, childcare_needed=True, childcare_provided=False)
    appointment(case, at(4), childcare_needed=False)  # no childcare needed
    appointment(case, at(-4), childcare_needed=True, childcare_provided=True)  # before the period
    appointment(a_client(personas, counted=False), at(3), childcare_needed=True, childcare_provided=True)


def attendance_with_childcare(personas):
    _childcare_appointments(personas)
    return {"appointments_childcare_provided_attended": 2, "appointments_childcare_provided": 3}


def attendance_without_childcare(personas):
    _childcare_appointments(personas)
    return {"appointments_childcare_missing_attended": 1, "appointments_childcare_missing": 3}


def legal_matter_median_days(personas):
    case = a_client(personas, user=personas.legal_officer_a)
    for opened_before, closed_on in ((10, 10), (30, 10), (100, 5)):
        item = matter(case, stage=Stage.CLOSED, opened_at=at(-opened_before))
        StageChange.objects.create(matter=item, stage=Stage.CLOSED, entered_on=on(closed_on))
    earlier = matter(case, stage=Stage.CLOSED, opened_at=at(-50))
    StageChange.objects.create(matter=earlier, stage=Stage.CLOSED, entered_on=on(-3))
    matter(case, stage=Stage.HEARING, opened_at=at(-50))  # still open
    hidden = matter(a_client(personas, counted=False), stage=Stage.CLOSED, opened_at=at(-900))
    StageChange.objects.create(matter=hidden, stage=Stage.CLOSED, entered_on=on(4))
    return {"median": (3, 40.0)}


def _remedy(item, status, decided_on):
    return Remedy.objects.create(
        matter=item,
        form=Remedy.Form.COMPENSATION,
        data_key_id=item.data_key_id,
        sought_on=on(-200),
        status=status,
        decided_on=decided_on,
    )


def remedies_obtained(personas):
    item = matter(a_client(personas, user=personas.legal_officer_a))
    _remedy(item, Remedy.Status.OBTAINED, on(3))
    _remedy(item, Remedy.Status.OBTAINED, on(7))
    _remedy(item, Remedy.Status.DENIED, on(8))
    _remedy(item, Remedy.Status.SOUGHT, None)
    _remedy(item, Remedy.Status.OBTAINED, on(-8))  # before the period
    _remedy(matter(a_client(personas, counted=False)), Remedy.Status.OBTAINED, on(3))
    return {"remedies_obtained": 2, "remedies_decided": 3}


def _deadline(item, due_on, *, met_on=None):
    rule = DeadlineRule.objects.filter(jurisdiction=item.jurisdiction).first()
    event = MatterEvent.objects.create(
        matter=item, trigger=rule.trigger, occurred_on=due_on - 30 * DAY, data_key_id=item.data_key_id
    )
    return Deadline.objects.create(
        matter=item,
        event=event,
        rule=rule,
        due_on=due_on,
        status=Deadline.Status.MET if met_on else Deadline.Status.OPEN,
        met_on=met_on,
    )


def deadlines_met(personas):
    item = matter(a_client(personas, user=personas.legal_officer_a))
    _deadline(item, on(5), met_on=on(4))
    _deadline(item, on(6), met_on=on(6))
    _deadline(item, on(7), met_on=on(9))  # late
    _deadline(item, on(8))  # missed
    _deadline(item, on(-2), met_on=on(-3))  # before the period
    _deadline(matter(a_client(personas, counted=False)), on(5), met_on=on(4))
    return {"deadlines_met": 2, "deadlines_due": 4}


def referrals_answered_in_time(personas):
    case = a_client(personas)
    to = personas.org_b
    referral(case, to=to, sent_at=at(1), due_at=at(3), answered_at=at(2))
    referral(case, to=to, sent_at=at(1), due_at=at(3), answered_at=at(4))  # late
    referral(case, to=to, status=Status.SENT, sent_at=at(1), due_at=at(3))  # never answered
    referral(case, to=to, sent_at=at(-9), due_at=at(-7), answered_at=at(-8))  # due before
    referral(case, to=to, status=Status.DRAFT, due_at=at(3))  # a draft was never sent
    referral(a_client(personas, counted=False), to=to, sent_at=at(1), due_at=at(3), answered_at=at(2))
    return {"referrals_answered_in_time": 1, "referrals_due": 3}


BUILDERS = {
    builder.__name__: builder
    for builder in (
        clients_served,
        referral_acceptance_rate,
        referral_days_to_service,
        retention_90_days,
        goals_achieved,
        wellbeing_improved_who5,
        phq9_severity_reduced,
        risk_level_reduced,
        employed_6_months_after_closure,
        employed_12_months_after_closure,
        training_completion,
        attendance_with_childcare,
        attendance_without_childcare,
        legal_matter_median_days,
        remedies_obtained,
        deadlines_met,
        referrals_answered_in_time,
    )
}
