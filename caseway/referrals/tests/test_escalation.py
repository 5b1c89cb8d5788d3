"""Escalation of unanswered referrals, with controlled time: the receiver's supervisors first, then
the sender; each level once, as an event and an audit record that carry no client data."""

import datetime

import pytest

from caseway.audit.models import AuditEvent
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role
from caseway.referrals import access, escalation, services
from caseway.referrals.models import Referral, ReferralAlert, ReferralEvent, ResponseDeadline, Status, Urgency
from caseway.referrals.tests.helpers import a_referral, member

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def run(at):
    return escalation.escalations_run(now=at)


def alerts_for(user):
    return list(access.visible_alerts(member(user)).values_list("referral_id", "level"))


def escalation_events(referral):
    return list(
        ReferralEvent.objects.filter(referral=referral, from_status=referral.status, to_status=referral.status)
        .order_by("at", "pk")
        .values_list("code", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# When


def test_it_leaves_a_referral_alone_until_its_answer_is_due(personas):
    referral = a_referral(personas, Status.SENT)

    result = run(referral.due_at - MINUTE)

    assert result.as_dict() == {"due": 0, "receivers_alerted": 0, "senders_told": 0}
    assert not ReferralAlert.objects.exists()


def test_it_alerts_the_receivers_supervisors_once_the_answer_is_overdue(personas):
    referral = a_referral(personas, Status.SENT)

    result = run(referral.due_at)

    assert result.as_dict() == {"due": 1, "receivers_alerted": 1, "senders_told": 0}
    referral.refresh_from_db()
    assert (referral.escalation_level, referral.escalated_at) == (1, referral.due_at)
    assert alerts_for(personas.supervisor_b) == [(referral.pk, 1)]
    assert alerts_for(personas.caseworker_b) == []
    assert alerts_for(personas.supervisor_a) == []
    assert alerts_for(personas.caseworker_a) == []


def test_it_escalates_a_referral_seen_but_not_answered(personas):
    referral = a_referral(personas, Status.VIEWED)

    run(referral.due_at + MINUTE)

    assert alerts_for(personas.supervisor_b) == [(referral.pk, 1)]


@pytest.mark.parametrize(("urgency", "answer", "notice"), [("emergency", 2, 1), ("high", 24, 12), ("normal", 72, 24)])
def test_it_tells_the_sender_after_the_default_further_period(personas, urgency, answer, notice):
    referral = a_referral(personas, Status.SENT, urgency=urgency)
    assert referral.due_at - referral.sent_at == answer * HOUR
    first = referral.due_at + 5 * MINUTE
    run(first)

    assert run(first + notice * HOUR - MINUTE).senders_told == 0
    result = run(first + notice * HOUR)

    assert result.senders_told == 1
    referral.refresh_from_db()
    assert referral.escalation_level == 2
    assert alerts_for(personas.caseworker_a) == [(referral.pk, 2)]
    assert alerts_for(personas.supervisor_a) == [(referral.pk, 2)]
    assert alerts_for(personas.legal_officer_a) == []
    assert alerts_for(personas.caseworker_b) == []


def test_it_gives_the_receivers_supervisors_the_further_period_even_when_it_runs_late(personas):
    referral = a_referral(personas, Status.SENT, urgency=Urgency.EMERGENCY)
    late = referral.due_at + 10 * HOUR  # the worker was down

    assert run(late).receivers_alerted == 1
    assert run(late).senders_told == 0
    assert run(late + HOUR).senders_told == 1


def test_it_reads_the_networks_further_period(personas):
    ResponseDeadline.objects.create(urgency=Urgency.NORMAL, hours=72, sender_notice_hours=3)
    referral = a_referral(personas, Status.SENT)
    run(referral.due_at)

    assert run(referral.due_at + 3 * HOUR - MINUTE).senders_told == 0
    assert run(referral.due_at + 3 * HOUR).senders_told == 1


def test_it_uses_the_networks_answer_time_fixed_when_sending(personas):
    ResponseDeadline.objects.create(urgency=Urgency.HIGH, hours=4)
    referral = a_referral(personas, Status.SENT, urgency=Urgency.HIGH)

    assert run(referral.sent_at + 4 * HOUR - MINUTE).due == 0
    assert run(referral.sent_at + 4 * HOUR).receivers_alerted == 1


# ---------------------------------------------------------------------------------------------
# Once


def test_it_alerts_each_level_once_however_often_it_runs(personas):
    referral = a_referral(personas, Status.SENT)
    later = referral.due_at + 30 * 24 * HOUR
    run(referral.due_at)
    run(referral.due_at)
    run(later)

    results = [run(later).as_dict(), run(later + HOUR).as_dict()]

    assert results == [{"due": 0, "receivers_alerted": 0, "senders_told": 0}] * 2
    assert ReferralAlert.objects.filter(referral=referral).count() == 2
    assert escalation_events(referral) == [escalation.RECEIVER_ALERTED, escalation.SENDER_TOLD]
    assert AuditEvent.objects.filter(action="referrals.referral_escalated").count() == 2


def test_it_does_nothing_for_one_row_another_worker_already_escalated(personas):
    referral = a_referral(personas, Status.SENT)
    run(referral.due_at)

    assert escalation.escalate_one(referral.pk, now=referral.due_at) is None
    assert ReferralAlert.objects.filter(referral=referral).count() == 1


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.COMPLETED, Status.REVOKED]
)
def test_it_never_escalates_a_referral_not_awaiting_an_answer(personas, status):
    referral = a_referral(personas, status)
    Referral.objects.filter(pk=referral.pk).update(due_at=referral.created_at)

    assert run(referral.created_at + 400 * HOUR).due == 0
    assert not ReferralAlert.objects.exists()


def test_it_never_escalates_an_erased_clients_referral(personas):
    referral = a_referral(personas, Status.SENT)
    type(referral.client).objects.filter(pk=referral.client_id).update(erased_at=referral.sent_at)

    assert run(referral.due_at + HOUR).due == 0


# ---------------------------------------------------------------------------------------------
# Closing the loop


@pytest.mark.parametrize("answer", ["accept", "decline", "withdraw"])
def test_it_closes_the_alerts_once_the_referral_is_answered_or_withdrawn(personas, answer):
    referral = a_referral(personas, Status.VIEWED)
    run(referral.due_at)
    run(referral.due_at + 24 * HOUR)
    assert alerts_for(personas.supervisor_b) == [(referral.pk, 1)]

    if answer == "accept":
        services.referral_accept(
            actor=personas.caseworker_b, membership=member(personas.caseworker_b), referral=referral
        )
    elif answer == "decline":
        services.referral_decline(
            actor=personas.caseworker_b,
            membership=member(personas.caseworker_b),
            referral=referral,
            reason="no_capacity",
        )
    else:
        services.referral_withdraw(
            actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=referral
        )

    assert alerts_for(personas.supervisor_b) == []
    assert alerts_for(personas.caseworker_a) == []
    assert not ReferralAlert.objects.filter(resolved_at__isnull=True).exists()


def test_it_keeps_the_alert_open_when_the_receiver_only_opens_the_referral(personas):
    referral = a_referral(personas, Status.SENT)
    run(referral.due_at)

    services.referral_view(actor=personas.caseworker_b, membership=member(personas.caseworker_b), referral=referral)

    assert alerts_for(personas.supervisor_b) == [(referral.pk, 1)]


# ---------------------------------------------------------------------------------------------
# Never to nobody


def test_it_alerts_the_receivers_staff_when_it_has_no_supervisor(personas):
    Membership.objects.filter(organization=personas.org_b, role=Role.SUPERVISOR).update(is_active=False)
    referral = a_referral(personas, Status.SENT)

    run(referral.due_at)

    alert = ReferralAlert.objects.get(referral=referral)
    assert alert.audience == ReferralAlert.Audience.STAFF
    assert alerts_for(personas.caseworker_b) == [(referral.pk, 1)]
    assert alerts_for(personas.legal_officer_b) == [(referral.pk, 1)]
    assert access.visible_alerts(member(personas.admin_b)).count() == 0


def test_it_tells_the_sending_supervisors_when_the_sender_has_left(personas):
    referral = a_referral(personas, Status.SENT)
    run(referral.due_at)
    Membership.objects.filter(user=personas.caseworker_a).update(is_active=False)

    run(referral.due_at + 24 * HOUR)

    alert = ReferralAlert.objects.get(referral=referral, level=2)
    assert (alert.audience, alert.assigned_to) == (ReferralAlert.Audience.SENDER, None)
    assert alerts_for(personas.supervisor_a) == [(referral.pk, 2)]
    assert alerts_for(personas.legal_officer_a) == []


def test_it_tells_the_sending_staff_when_neither_the_sender_nor_a_supervisor_is_there(personas):
    referral = a_referral(personas, Status.SENT)
    run(referral.due_at)
    Membership.objects.filter(user__in=[personas.caseworker_a, personas.supervisor_a]).update(is_active=False)

    run(referral.due_at + 24 * HOUR)

    assert ReferralAlert.objects.get(referral=referral, level=2).audience == ReferralAlert.Audience.STAFF
    assert alerts_for(personas.legal_officer_a) == [(referral.pk, 2)]


def test_it_tells_the_sender_at_once_for_a_receiver_outside_the_network(personas):
    referral = a_referral(personas, Status.SENT)
    Referral.objects.filter(pk=referral.pk).update(to_organization=None, external_recipient="Village clinic")

    result = run(referral.due_at)

    assert result.senders_told == 1
    assert ReferralAlert.objects.get(referral=referral).level == 2
    assert alerts_for(personas.caseworker_a) == [(referral.pk, 2)]


def test_it_shows_no_alert_to_another_organization_or_roles_without_personal_data(personas):
    referral = a_referral(personas, Status.SENT)
    run(referral.due_at)
    run(referral.due_at + 24 * HOUR)

    for user in (personas.outsider, personas.admin_a, personas.admin_b, personas.monitor_b, personas.coordinator):
        assert access.visible_alerts(member(user)).count() == 0, user.email


# ---------------------------------------------------------------------------------------------
# What is recorded


def test_it_records_each_level_as_an_event_on_the_timeline(personas):
    referral = a_referral(personas, Status.VIEWED)
    run(referral.due_at)
    run(referral.due_at + 24 * HOUR)

    events = list(ReferralEvent.objects.filter(referral=referral, code__startswith="overdue_"))

    assert [(event.code, event.from_status, event.to_status, event.actor) for event in events] == [
        (escalation.RECEIVER_ALERTED, Status.VIEWED, Status.VIEWED, None),
        (escalation.SENDER_TOLD, Status.VIEWED, Status.VIEWED, None),
    ]
    assert [event.at for event in events] == [referral.due_at, referral.due_at + 24 * HOUR]


def test_it_audits_each_level_with_field_names_only(personas):
    referral = a_referral(personas, Status.SENT)
    run(referral.due_at)
    run(referral.due_at + 24 * HOUR)

    audited = list(AuditEvent.objects.filter(action="referrals.referral_escalated").order_by("seq"))

    assert [event.organization_id for event in audited] == [personas.org_b.pk, personas.org_a.pk]
    assert {event.actor_label for event in audited} == {escalation.SYSTEM_ACTOR_LABEL}
    assert [event.fields for event in audited] == [
        ["escalation_level", "escalated_at", "alert.supervisors"],
        ["escalation_level", "escalated_at", "alert.sender"],
    ]
    assert all(event.target_id == str(referral.pk) for event in audited)
    text = repr([(event.fields, event.reason, event.actor_label) for event in audited])
    assert "Amina" not in text
    assert referral.client.code not in text
