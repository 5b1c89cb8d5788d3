"""Remedies in the five forms of the UN Basic Principles (resolution 60/147), sought then decided."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from caseway.casework.tests.appointment_helpers import member
from caseway.legal import services
from caseway.legal.models import Remedy
from caseway.legal.tests.object_urls_legal import a_matter

pytestmark = pytest.mark.django_db
D = datetime.date


def _record(personas, matter, **values):
    values.setdefault("form", "compensation")
    values.setdefault("sought_on", D(2025, 5, 1))
    return services.remedy_record(
        actor=personas.legal_officer_a, membership=member(personas.legal_officer_a), matter=matter, **values
    )


def test_compensation_is_sought_with_an_amount_then_obtained_and_enforced_in_part(personas):
    matter = a_matter(personas)
    remedy = _record(personas, matter, amount=Decimal("12000.00"), currency="eur", description="Fictional claim.")
    assert (remedy.status, remedy.amount, remedy.currency) == ("sought", Decimal("12000.00"), "EUR")
    decided = services.remedy_decide(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        remedy=remedy,
        status="obtained",
        decided_on=D(2026, 2, 1),
        enforcement="partial",
    )
    assert (decided.status, decided.enforcement) == ("obtained", "partial")


def test_the_five_forms_are_there_and_only_compensation_has_an_amount(personas):
    assert set(Remedy.Form.values) == {
        "restitution",
        "compensation",
        "rehabilitation",
        "satisfaction",
        "non_repetition",
    }
    matter = a_matter(personas)
    with pytest.raises(ValidationError) as error:
        _record(personas, matter, form="satisfaction", amount=Decimal("10"), currency="USD")
    assert error.value.message_dict == {"amount": ["Only compensation has an amount."]}
    with pytest.raises(ValidationError):
        _record(personas, matter, amount=Decimal("10"), currency="euros")


def test_a_denied_remedy_is_not_enforced_and_no_decision_precedes_the_request(personas):
    matter = a_matter(personas)
    remedy = _record(personas, matter, form="restitution")
    lawyer = member(personas.legal_officer_a)
    with pytest.raises(ValidationError):
        services.remedy_decide(
            actor=personas.legal_officer_a,
            membership=lawyer,
            remedy=remedy,
            status="denied",
            decided_on=D(2026, 1, 1),
            enforcement="complete",
        )
    with pytest.raises(ValidationError):
        services.remedy_decide(
            actor=personas.legal_officer_a, membership=lawyer, remedy=remedy, status="denied", decided_on=D(2024, 1, 1)
        )


def test_another_organization_cannot_record_one(personas):
    matter = a_matter(personas)
    with pytest.raises(Http404):
        services.remedy_record(
            actor=personas.legal_officer_b,
            membership=member(personas.legal_officer_b),
            matter=matter,
            form="rehabilitation",
            sought_on=D(2025, 5, 1),
        )


def test_the_matter_page_records_and_decides_remedies(personas, login_as):
    from django.urls import reverse

    matter = a_matter(personas)
    lawyer = login_as(personas.legal_officer_a)
    lawyer.post(
        reverse("legal:remedy_add", args=[matter.pk]),
        {"form": "compensation", "sought_on": "2025-05-01", "amount": "500", "currency": "USD"},
    )
    remedy = Remedy.objects.get()
    refused = lawyer.post(
        reverse("legal:remedy_decide", args=[remedy.pk]),
        {"status": "obtained", "decided_on": "2024-01-01"},
        follow=True,
    )
    assert "A remedy is decided after it was sought." in refused.content.decode()
    lawyer.post(
        reverse("legal:remedy_decide", args=[remedy.pk]),
        {"status": "obtained", "decided_on": "2025-09-01", "enforcement": "complete"},
    )
    remedy.refresh_from_db()
    assert (remedy.status, remedy.enforcement) == ("obtained", "complete")
    page = lawyer.get(reverse("legal:matter", args=[matter.pk])).content.decode()
    assert "Compensation · 500.00 USD · Obtained · Fully enforced" in page
