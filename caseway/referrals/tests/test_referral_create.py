"""referral_create: a draft from a case to a service or an organization; nothing leaves yet."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caseway.audit.models import AuditEvent
from caseway.clients.models import Case, CaseStatus, DataCategory
from caseway.directory.models import Service
from caseway.directory.tests.factories import ServiceFactory
from caseway.referrals import services
from caseway.referrals.models import ReferralEvent, Status, Urgency
from caseway.referrals.tests.helpers import a_sender_case, member

pytestmark = pytest.mark.django_db


def create(personas, user=None, case=None, **values):
    user = user or personas.caseworker_a
    values.setdefault("urgency", Urgency.HIGH)
    values.setdefault("reason", "Needs a lawyer for her civil documents.")
    values.setdefault("categories", [DataCategory.NEEDS])
    if "to_service" not in values:
        values.setdefault("to_organization", personas.org_b)
    return services.referral_create(actor=user, membership=member(user), case=case or a_sender_case(personas), **values)


def test_it_creates_a_draft_with_an_event_and_an_audit_record(personas):
    case = a_sender_case(personas)

    referral = create(personas, case=case)

    assert (referral.status, referral.from_case, referral.client_id) == (Status.DRAFT, case, case.client_id)
    assert (referral.from_organization, referral.to_organization) == (personas.org_a, personas.org_b)
    assert referral.data_key_id == case.client.data_key_id
    assert referral.package is None
    assert referral.sent_at is None
    event = ReferralEvent.objects.get(referral=referral)
    assert (event.from_status, event.to_status, event.actor) == ("", Status.DRAFT, personas.caseworker_a)
    audited = AuditEvent.objects.get(action="referrals.referral_created")
    assert audited.fields == ["to_organization", "urgency", "reason", "categories"]
    assert "civil documents" not in audited.canonical_content().decode()


def test_it_takes_the_organization_from_the_service(personas):
    service = ServiceFactory(organization=personas.org_b)

    referral = create(personas, to_service=service)

    assert (referral.to_service, referral.to_organization) == (service, personas.org_b)


def test_it_keeps_the_reason_encrypted(personas):
    referral = create(personas)

    raw = type(referral).objects.filter(pk=referral.pk).values_list("reason", flat=True).get()

    assert "civil documents" not in repr(raw)
    assert type(referral).objects.get(pk=referral.pk).reason == "Needs a lawyer for her civil documents."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": Service.Status.INACTIVE}, "to_service"),
        ({"accepting_referrals": False}, "to_service"),
    ],
)
def test_it_refuses_a_service_not_taking_referrals(personas, change, field):
    service = ServiceFactory(organization=personas.org_b, **change)

    with pytest.raises(ValidationError) as refused:
        create(personas, to_service=service)

    assert field in refused.value.message_dict


def test_it_refuses_a_service_of_another_organization_than_the_one_named(personas):
    service = ServiceFactory(organization=personas.org_b)

    with pytest.raises(ValidationError) as refused:
        create(personas, to_service=service, to_organization=personas.org_other)

    assert "to_service" in refused.value.message_dict


@pytest.mark.parametrize("receiver", ["org_a", "org_other", None])
def test_it_refuses_its_own_organization_one_without_staff_or_none(personas, receiver):
    with pytest.raises(ValidationError) as refused:
        create(personas, to_organization=getattr(personas, receiver) if receiver else None)

    assert "to_organization" in refused.value.message_dict


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"urgency": "tomorrow"}, "urgency"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"categories": ["shoe_size"]}, "categories"),
    ],
)
def test_it_validates_urgency_reason_and_categories(personas, values, field):
    with pytest.raises(ValidationError) as refused:
        create(personas, **values)

    assert field in refused.value.message_dict


def test_it_lets_staff_share_only_what_they_may_see(personas):
    case = a_sender_case(personas, sensitive=True)
    Case.objects.filter(pk=case.pk).update(caseworker=personas.legal_officer_a)

    with pytest.raises(ValidationError) as refused:
        create(personas, case=case, categories=[DataCategory.IDENTITY, DataCategory.NEEDS])

    assert refused.value.message_dict["categories"] == [
        "You can only share information you may see on this case. Not: Identity."
    ]
    assert create(personas, user=personas.supervisor_a, case=case, categories=[DataCategory.IDENTITY])


def test_it_refuses_a_closed_case(personas):
    case = a_sender_case(personas)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)

    with pytest.raises(ValidationError) as refused:
        create(personas, case=case)

    assert "case" in refused.value.message_dict


def test_it_answers_404_for_another_organizations_case(personas):
    case = a_sender_case(personas)

    with pytest.raises(Http404):
        create(personas, user=personas.caseworker_b, case=case, to_organization=personas.org_a)


@pytest.mark.parametrize("name", ["admin_a", "monitor_a", "coordinator", "donor"])
def test_it_refuses_roles_without_personal_data(personas, name):
    with pytest.raises(PermissionDenied):
        create(personas, user=getattr(personas, name))
