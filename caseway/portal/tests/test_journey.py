import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from caseway.casework import plan_services
from caseway.casework.tests.appointment_helpers import member
from caseway.portal.tests.helpers import an_account, sign_in
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral, a_sender_case

pytestmark = pytest.mark.django_db


def test_the_client_sees_their_steps_and_their_referrals_in_plain_words(personas):
    case = a_sender_case(personas)
    from caseway.clients.models import ConsentPurpose
    from caseway.clients.tests.factories import give_consent

    give_consent(
        case.client,
        ConsentPurpose.PORTAL,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_a,
        recorded_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    account = an_account(personas, case)
    plan_services.milestone_record(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        case=case,
        kind="training_enrolled",
        reached_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    a_referral(personas, Status.ACCEPTED, case=case)
    a_referral(personas, Status.DRAFT, case=case)
    portal = Client()
    sign_in(portal, account)
    page = portal.get(reverse("portal:journey")).content.decode()
    assert "Enrolled in training" in page
    assert "They said yes. They will contact you." in page
    assert page.count("<li>") == 2  # the draft is not shown
    assert "Accepted" not in page  # staff words stay with the staff


def test_the_client_sees_their_legal_case_stage_and_next_date_in_plain_words(personas):
    from caseway.clients.models import ConsentPurpose
    from caseway.clients.tests.factories import give_consent
    from caseway.legal import services as legal_services
    from caseway.legal.models import Jurisdiction
    from caseway.portal.tests.helpers import a_portal_case

    lawyer = member(personas.legal_officer_a)
    case = a_portal_case(personas, personas.legal_officer_a)
    give_consent(case.client, ConsentPurpose.LEGAL_REPRESENTATION, recorded_by=lawyer, recipient=personas.org_a)
    matter = legal_services.matter_open(
        actor=personas.legal_officer_a,
        membership=lawyer,
        case=case,
        jurisdiction=Jurisdiction.objects.get(code="echr"),
        type="human_rights_body",
        summary="Fictional and confidential summary.",
    )
    decided = timezone.localdate() - datetime.timedelta(days=10)
    event = legal_services.event_record(
        actor=personas.legal_officer_a,
        membership=lawyer,
        matter=matter,
        trigger="final_domestic_decision",
        occurred_on=decided,
    )
    account = an_account(personas, case)
    portal = Client()
    sign_in(portal, account)
    page = portal.get(reverse("portal:journey")).content.decode()
    assert "Your lawyers are preparing the case." in page
    due = event.deadlines.get().due_on
    assert f"Next important date: {due.day} " in page
    assert "confidential summary" not in page and "Lodge the application" not in page
    hearing_day = timezone.localdate() + datetime.timedelta(days=30)
    legal_services.event_record(
        actor=personas.legal_officer_a,
        membership=lawyer,
        matter=matter,
        trigger="hearing_scheduled",
        occurred_on=hearing_day,
    )
    legal_services.event_record(
        actor=personas.legal_officer_a,
        membership=lawyer,
        matter=matter,
        trigger="admissibility_decided",
        occurred_on=timezone.localdate(),
    )
    page = portal.get(reverse("portal:journey")).content.decode()
    assert "The case has been sent. The court or body is checking if it can look at it." in page
    assert f"Next hearing: {date_format(hearing_day, 'l j F Y')}." in page
