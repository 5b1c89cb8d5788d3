"""Legal matters: opened with consent, seen by lead and co-counsel only, events giving deadlines."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caseway.casework.tests.appointment_helpers import member
from caseway.clients.models import ConsentPurpose
from caseway.clients.tests.factories import a_case, give_consent
from caseway.legal import access, services
from caseway.legal.models import CoCounsel, Deadline, DeadlineRule, Jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date


def _matter(personas, *, consent=True):
    lawyer = member(personas.legal_officer_a)
    case = a_case(lawyer)
    if consent:
        give_consent(case.client, ConsentPurpose.LEGAL_REPRESENTATION, recorded_by=lawyer, recipient=personas.org_a)
    return services.matter_open(
        actor=personas.legal_officer_a,
        membership=lawyer,
        case=case,
        jurisdiction=Jurisdiction.objects.get(code="echr"),
        type="human_rights_body",
        summary="Fictional summary.",
    )


def test_it_needs_the_clients_consent_to_legal_representation(personas):
    with pytest.raises(ValidationError) as error:
        _matter(personas, consent=False)
    assert "legal representation" in error.value.messages[0]


def test_only_roles_working_legal_matters_open_one(personas):
    case = a_case(member(personas.caseworker_a))
    with pytest.raises(PermissionDenied):
        services.matter_open(
            actor=personas.caseworker_a,
            membership=member(personas.caseworker_a),
            case=case,
            jurisdiction=Jurisdiction.objects.get(code="echr"),
            type="civil_claim",
        )


def test_lead_and_co_counsel_see_the_matter_and_nobody_else(personas):
    matter = _matter(personas)
    lead = member(personas.legal_officer_a)
    co = member(personas.legal_officer_b)
    with pytest.raises(Http404):
        access.get_matter_for_member(co, matter.pk)
    services.co_counsel_add(
        actor=personas.legal_officer_a, membership=lead, matter=matter, organization=personas.org_b, role="co_counsel"
    )
    assert access.get_matter_for_member(co, matter.pk) == matter
    for outsider in (personas.outsider, personas.caseworker_a, personas.coordinator, personas.supervisor_b):
        if outsider == personas.supervisor_b:
            assert access.get_matter_for_member(member(outsider), matter.pk) == matter  # co-counsel's supervisor
            continue
        with pytest.raises(Http404):
            access.get_matter_for_member(member(outsider), matter.pk)
    with pytest.raises(PermissionDenied):  # only the lead adds co-counsel
        services.co_counsel_add(
            actor=personas.legal_officer_b, membership=co, matter=matter, organization=personas.org_other, role="expert"
        )
    assert CoCounsel.objects.count() == 1


def test_a_final_decision_gives_the_application_deadline_and_moving_it_recomputes(personas):
    matter = _matter(personas)
    lead = member(personas.legal_officer_a)
    event = services.event_record(
        actor=personas.legal_officer_a,
        membership=lead,
        matter=matter,
        trigger="final_domestic_decision",
        occurred_on=D(2025, 3, 14),
    )
    deadline = Deadline.objects.get(event=event)
    assert (deadline.rule.code, deadline.due_on) == ("echr-application-4-months", D(2025, 7, 14))

    services.event_change(actor=personas.legal_officer_a, membership=lead, event=event, occurred_on=D(2025, 6, 5))
    assert Deadline.objects.get(event=event).due_on == D(2025, 10, 3)  # Sunday 5 Oct, not extended: Friday

    services.event_change(actor=personas.legal_officer_a, membership=lead, event=event, occurred_on=D(2021, 11, 10))
    deadline = Deadline.objects.get(event=event)
    assert (deadline.rule.code, deadline.due_on) == ("echr-application-6-months", D(2022, 5, 10))


def test_a_met_deadline_stays_when_its_event_moves(personas):
    matter = _matter(personas)
    lead = member(personas.legal_officer_a)
    event = services.event_record(
        actor=personas.legal_officer_a,
        membership=lead,
        matter=matter,
        trigger="final_domestic_decision",
        occurred_on=D(2025, 3, 14),
    )
    Deadline.objects.filter(event=event).update(status="met", met_on=D(2025, 7, 1))
    services.event_change(actor=personas.legal_officer_a, membership=lead, event=event, occurred_on=D(2025, 4, 1))
    met = Deadline.objects.get(event=event)
    assert (met.status, met.due_on) == ("met", D(2025, 7, 14))


def test_an_event_no_rule_listens_to_gives_no_deadline(personas):
    matter = _matter(personas)
    services.event_record(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        trigger="judgment_served",
        occurred_on=D(2025, 3, 14),
    )
    assert not Deadline.objects.exists()
    assert DeadlineRule.objects.filter(trigger="judgment_served", jurisdiction__code="echr").count() == 0
