"""Assistance requests: sent by a party to an organization of the network or an authority outside
it; acknowledged, answered or refused by the one asked (a party records an outside authority's
reply); withdrawn by the sender; overdue while waiting past the due day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import assistance
from caseway.legal.models import AssistanceRequest
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.object_urls_reviews import a_request

pytestmark = pytest.mark.django_db
D = datetime.date


def _reply(personas, found, reply, user=None, **values):
    user = user or personas.legal_officer_b
    return assistance.request_reply(
        actor=user, membership=member(user), assistance_request=found, reply=reply, **values
    )


def test_it_sends_a_request_to_an_organization_of_the_network_for_the_own_organization(personas):
    sent = a_request(personas, due_on=D(2025, 7, 3))
    assert (sent.requesting_organization, sent.addressed_organization, sent.status) == (
        personas.org_a,
        personas.org_b,
        "sent",
    )
    assert sent.data_key_id == sent.matter.data_key_id
    assert AuditEvent.objects.get(action="legal.assistance_request_sent").fields == [
        "kind",
        "addressed_organization",
        "question",
        "sent_on",
        "due_on",
    ]


def test_it_sends_one_to_an_authority_outside_the_network_with_its_country(personas):
    sent = a_request(personas, addressed_authority="  Public prosecutor, Eastport  ", addressed_country="xb")
    assert (sent.addressed_organization, sent.addressed_authority, sent.addressed_country) == (
        None,
        "Public prosecutor, Eastport",
        "XB",
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"addressed_authority": "Registry", "addressed_country": "X1"}, "addressed_country"),
        ({"addressed_authority": "Registry"}, "addressed_country"),
        ({"question": "   "}, "question"),
        ({"kind": "gossip"}, "kind"),
        ({"due_on": D(2025, 6, 1)}, "due_on"),
    ],
)
def test_it_refuses_bad_input_with_a_named_error_and_writes_nothing(personas, values, field):
    matter = a_matter(personas)
    to = None if "addressed_authority" in values else personas.org_b
    with pytest.raises(ValidationError) as error:
        a_request(personas, matter, to=to, **values)
    assert field in error.value.message_dict
    assert not AssistanceRequest.objects.exists()


def test_it_refuses_both_addressees_nobody_itself_or_a_future_day(personas):
    matter = a_matter(personas)
    with pytest.raises(ValidationError):
        a_request(personas, matter, to=personas.org_b, addressed_authority="Registry", addressed_country="XB")
    with pytest.raises(ValidationError):
        assistance.request_send(
            actor=personas.legal_officer_a,
            membership=member(personas.legal_officer_a),
            matter=matter,
            kind="information",
            question="x",
            sent_on=D(2025, 6, 3),
        )
    with pytest.raises(ValidationError) as error:
        a_request(personas, matter, to=personas.org_a)
    assert "addressed_organization" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        a_request(personas, matter, sent_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "sent_on" in error.value.message_dict
    assert not AssistanceRequest.objects.exists()


def test_a_non_party_cannot_send_one(personas):
    matter = a_matter(personas)
    with pytest.raises(Http404):
        assistance.request_send(
            actor=personas.legal_officer_b,
            membership=member(personas.legal_officer_b),
            matter=matter,
            kind="information",
            question="x",
            sent_on=D(2025, 6, 3),
            addressed_organization=personas.org_other,
        )


def test_the_organization_asked_acknowledges_then_answers(personas):
    sent = a_request(personas)
    _reply(personas, sent, "acknowledge")
    with pytest.raises(ValidationError):
        _reply(personas, sent, "acknowledge")
    with pytest.raises(ValidationError) as error:
        _reply(personas, sent, "answer")
    assert "response" in error.value.message_dict
    answered = _reply(personas, sent, "answer", response="Fictional: the entry exists.", answered_on=D(2025, 6, 20))
    answered.refresh_from_db()
    assert (answered.status, answered.answered_on, answered.response) == (
        "answered",
        D(2025, 6, 20),
        "Fictional: the entry exists.",
    )
    assert AuditEvent.objects.get(action="legal.assistance_request_answered").fields == [
        "status",
        "answered_on",
        "response",
    ]
    with pytest.raises(ValidationError):
        _reply(personas, sent, "refuse")


def test_it_refuses_with_reasons_and_no_reply_before_the_request(personas):
    sent = a_request(personas)
    with pytest.raises(ValidationError) as error:
        _reply(personas, sent, "refuse", answered_on=D(2025, 6, 1))
    assert "answered_on" in error.value.message_dict
    refused = _reply(personas, sent, "refuse", response="Outside our mandate.")
    assert (refused.status, refused.answered_on) == ("refused", timezone.localdate())


def test_only_the_organization_asked_replies_to_a_network_request(personas):
    sent = a_request(personas)
    with pytest.raises(Http404):
        _reply(personas, sent, "acknowledge", user=personas.legal_officer_a)
    with pytest.raises(Http404):
        _reply(personas, sent, "acknowledge", user=personas.supervisor_a)


def test_a_party_records_the_reply_of_an_outside_authority(personas):
    sent = a_request(personas, addressed_authority="Public prosecutor", addressed_country="XB")
    answered = _reply(personas, sent, "answer", user=personas.supervisor_a, response="Fictional reply by letter.")
    assert answered.status == "answered"
    other = a_request(personas, addressed_authority="Registry", addressed_country="XB")
    with pytest.raises(Http404):
        _reply(personas, other, "acknowledge", user=personas.legal_officer_b)


def test_the_sender_withdraws_a_waiting_request_only(personas):
    sent = a_request(personas)
    with pytest.raises(Http404):
        assistance.request_withdraw(
            actor=personas.legal_officer_b, membership=member(personas.legal_officer_b), assistance_request=sent
        )
    withdrawn = assistance.request_withdraw(
        actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), assistance_request=sent
    )
    assert withdrawn.status == "withdrawn"
    with pytest.raises(ValidationError):
        _reply(personas, sent, "answer", response="Too late.")
    with pytest.raises(ValidationError):
        assistance.request_withdraw(
            actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), assistance_request=sent
        )


def test_it_is_overdue_while_waiting_past_its_due_day(personas):
    matter = a_matter(personas)
    today = timezone.localdate()
    late = a_request(
        personas, matter, sent_on=today - datetime.timedelta(days=30), due_on=today - datetime.timedelta(days=1)
    )
    due_today = a_request(personas, matter, sent_on=today - datetime.timedelta(days=30), due_on=today)
    late_but_answered = a_request(personas, matter, sent_on=today - datetime.timedelta(days=30), due_on=late.due_on)
    _reply(personas, late_but_answered, "answer", response="Fictional.")
    overdue = dict(assistance.with_overdue(AssistanceRequest.objects.all()).values_list("pk", "overdue"))
    assert overdue == {late.pk: True, due_today.pk: False, late_but_answered.pk: False}
