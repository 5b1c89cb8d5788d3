import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caseway.casework.tests.appointment_helpers import member
from caseway.legal import services
from caseway.legal.models import Deadline
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db


def test_a_lawyer_records_a_decision_and_both_co_counsel_see_the_deadline(personas, login_as):
    matter = a_matter(personas)
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=personas.org_b,
        role="co_counsel",
    )
    decided = timezone.localdate() - datetime.timedelta(days=10)
    lawyer = login_as(personas.legal_officer_a)
    response = lawyer.post(
        reverse("legal:matter", args=[matter.pk]), {"trigger": "final_domestic_decision", "occurred_on": decided}
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get()
    for user in (personas.legal_officer_a, personas.legal_officer_b):
        page = login_as(user).get(reverse("legal:deadlines")).content.decode()
        assert "Lodge the application with the Court" in page and matter.client.code in page
    assert login_as(personas.legal_officer_b).get(reverse("legal:matter", args=[matter.pk])).status_code == 200
    assert deadline.due_on > timezone.localdate()


def test_marking_a_deadline_met_and_a_date_before_its_event_refused(personas, login_as):
    matter = a_matter(personas)
    event = services.event_record(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        trigger="final_domestic_decision",
        occurred_on=datetime.date(2025, 3, 14),
    )
    deadline = event.deadlines.get()
    lawyer = login_as(personas.legal_officer_a)
    url = reverse("legal:deadline_met", args=[deadline.pk])
    response = lawyer.post(url, {"met_on": "2025-03-01"}, follow=True)
    assert "A deadline is met after the event that started it." in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.status == "open"
    lawyer.post(url, {"met_on": "2025-06-30"})
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_on) == ("met", datetime.date(2025, 6, 30))


def test_an_event_form_says_what_is_missing(personas, login_as):
    matter = a_matter(personas)
    response = login_as(personas.legal_officer_a).post(reverse("legal:matter", args=[matter.pk]), {"trigger": "x"})
    assert response.status_code == 400
    assert not Deadline.objects.exists()


def test_a_lawyer_opens_a_matter_from_the_case_and_adds_co_counsel(personas, login_as):
    from caseway.clients.models import ConsentPurpose
    from caseway.clients.tests.factories import a_case, give_consent
    from caseway.legal.models import CoCounsel, Jurisdiction, LegalMatter

    lawyer_membership = member(personas.legal_officer_a)
    case = a_case(lawyer_membership)
    lawyer = login_as(personas.legal_officer_a)
    assert (
        reverse("legal:case_matters", args=[case.pk])
        in lawyer.get(reverse("casework:case", args=[case.pk])).content.decode()
    )
    url = reverse("legal:case_matters", args=[case.pk])
    data = {
        "jurisdiction": Jurisdiction.objects.get(code="iachr").pk,
        "type": "human_rights_body",
        "summary": "x",
        "violation_categories": ["enforced_disappearance", "torture"],
    }
    refused = lawyer.post(url, data)
    assert refused.status_code == 400 and "has not agreed to legal representation" in refused.content.decode()
    give_consent(
        case.client, ConsentPurpose.LEGAL_REPRESENTATION, recorded_by=lawyer_membership, recipient=personas.org_a
    )
    response = lawyer.post(url, data)
    matter = LegalMatter.objects.get()
    assert response["Location"] == reverse("legal:matter", args=[matter.pk])
    assert matter.violation_categories == ["enforced_disappearance", "torture"]
    assert "Enforced disappearance" in lawyer.get(response["Location"]).content.decode()
    lawyer.post(
        reverse("legal:co_counsel_add", args=[matter.pk]), {"organization": personas.org_b.pk, "role": "co_counsel"}
    )
    assert CoCounsel.objects.get().organization == personas.org_b
    # Co-counsel cannot add others: only the lead does.
    other = login_as(personas.legal_officer_b)
    assert (
        other.post(
            reverse("legal:co_counsel_add", args=[matter.pk]), {"organization": personas.org_other.pk, "role": "expert"}
        ).status_code
        == 403
    )
    assert CoCounsel.objects.count() == 1


def test_opening_a_matter_refuses_a_violation_not_in_the_list(personas, login_as):
    from caseway.clients.models import ConsentPurpose
    from caseway.clients.tests.factories import a_case, give_consent
    from caseway.legal.models import Jurisdiction, LegalMatter

    lawyer_membership = member(personas.legal_officer_a)
    case = a_case(lawyer_membership)
    give_consent(
        case.client, ConsentPurpose.LEGAL_REPRESENTATION, recorded_by=lawyer_membership, recipient=personas.org_a
    )
    with pytest.raises(ValidationError) as error:
        services.matter_open(
            actor=personas.legal_officer_a,
            membership=lawyer_membership,
            case=case,
            jurisdiction=Jurisdiction.objects.get(code="iachr"),
            type="civil_claim",
            violation_categories=["made_up"],
        )
    assert error.value.message_dict == {"violation_categories": ["Choose the violations from the list."]}
    assert not LegalMatter.objects.exists()
