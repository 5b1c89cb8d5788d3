"""The network's answer times and escalation periods: the defaults, setting them (service and
manage.py referrals_deadlines), audited, and what they change."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from caseway.audit.models import AuditEvent
from caseway.referrals import escalation, services
from caseway.referrals.models import ResponseDeadline, Status, Urgency
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db


def test_it_answers_the_defaults_without_any_setting():
    assert {urgency: services.response_hours(urgency) for urgency in Urgency} == {
        Urgency.EMERGENCY: 2,
        Urgency.HIGH: 24,
        Urgency.NORMAL: 72,
    }
    assert escalation.sender_notice_hours() == {Urgency.EMERGENCY: 1, Urgency.HIGH: 12, Urgency.NORMAL: 24}


def test_it_sets_one_urgency_and_leaves_the_others_at_their_defaults():
    services.response_deadline_set(actor=None, urgency=Urgency.HIGH, hours=8, sender_notice_hours=4)

    assert services.response_hours(Urgency.HIGH) == 8
    assert services.response_hours(Urgency.NORMAL) == 72
    assert escalation.sender_notice_hours()[Urgency.HIGH] == 4
    assert escalation.sender_notice_hours()[Urgency.EMERGENCY] == 1


def test_it_changes_only_what_is_given():
    services.response_deadline_set(actor=None, urgency=Urgency.NORMAL, hours=48)
    services.response_deadline_set(actor=None, urgency=Urgency.NORMAL, sender_notice_hours=6)

    row = ResponseDeadline.objects.get(urgency=Urgency.NORMAL)
    assert (row.hours, row.sender_notice_hours) == (48, 6)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"urgency": "someday", "hours": 5}, "urgency"),
        ({"urgency": Urgency.HIGH, "hours": 0}, "hours"),
        ({"urgency": Urgency.HIGH, "sender_notice_hours": 24 * 31}, "sender_notice_hours"),
    ],
)
def test_it_refuses_values_out_of_range(values, field):
    with pytest.raises(ValidationError) as raised:
        services.response_deadline_set(actor=None, **values)

    assert field in raised.value.message_dict
    assert not ResponseDeadline.objects.exists()


def test_it_audits_the_change_with_field_names():
    services.response_deadline_set(actor=None, urgency=Urgency.EMERGENCY, hours=1, actor_label="cli:test")

    event = AuditEvent.objects.get(action="referrals.response_deadline_set")
    assert (event.fields, event.actor_label) == (["hours"], "cli:test")


def test_it_keeps_the_deadline_of_a_referral_already_sent(personas):
    referral = a_referral(personas, Status.SENT, urgency=Urgency.NORMAL)

    services.response_deadline_set(actor=None, urgency=Urgency.NORMAL, hours=5)

    referral.refresh_from_db()
    assert referral.due_at - referral.sent_at == datetime.timedelta(hours=72)


def test_the_command_shows_and_sets_them():
    out = StringIO()

    call_command("referrals_deadlines", "--answer", "emergency=3", "--sender-notice", "normal=12", stdout=out)

    assert "emergency  answer within 3 h; sender told 1 h after" in out.getvalue()
    assert "normal     answer within 72 h; sender told 12 h after" in out.getvalue()
    assert AuditEvent.objects.filter(action="referrals.response_deadline_set").count() == 2


@pytest.mark.parametrize("argument", ["emergency", "soon=3", "high=-1", "high=0"])
def test_the_command_refuses_what_it_cannot_read(argument):
    with pytest.raises(CommandError):
        call_command("referrals_deadlines", "--answer", argument, stdout=StringIO())

    assert not ResponseDeadline.objects.exists()
