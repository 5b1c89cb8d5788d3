"""Who funds whom (coordinators, until the funding app): recorded and ended through the page,
audited, refused to others; bad input says why and writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.indicators import funded
from caseway.indicators.models import FundedOrganization
from caseway.indicators.tests.dashboards import donor_organization, fund

pytestmark = pytest.mark.django_db

PATH = reverse("indicators:funding")


def form(personas, **values):
    data = {
        "donor": donor_organization(personas).pk,
        "organization": personas.org_b.pk,
        "starts_on": "2026-01-01",
        "ends_on": "",
    }
    data.update(values)
    return data


def test_it_records_a_funding_and_audits_it(personas, login_as):
    response = login_as(personas.coordinator).post(PATH, form(personas))

    assert response.status_code == 302
    link = FundedOrganization.objects.get()
    assert (link.donor, link.organization, link.starts_on, link.ends_on) == (
        donor_organization(personas),
        personas.org_b,
        datetime.date(2026, 1, 1),
        None,
    )
    assert link.recorded_by == personas.coordinator
    assert AuditEvent.objects.filter(action="indicators.funding_record", target_id=str(link.pk)).count() == 1
    page = login_as(personas.coordinator).get(PATH).content.decode()
    assert personas.org_b.name in page


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ends_on": "2025-12-31"}, "The funding cannot end before it starts."),
        ({"donor": "", "organization": ""}, "This field is required."),
        ({"starts_on": "someday"}, "Enter a valid date."),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(personas, login_as, values, message):
    response = login_as(personas.coordinator).post(PATH, form(personas, **values))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FundedOrganization.objects.exists()


def test_it_refuses_a_donor_that_is_not_one_and_an_overlap(personas, login_as):
    response = login_as(personas.coordinator).post(PATH, form(personas, donor=personas.org_a.pk))
    assert response.status_code == 400  # not offered: org A is not a donor

    fund(donor_organization(personas), personas.org_b, starts_on=datetime.date(2025, 6, 1))
    response = login_as(personas.coordinator).post(PATH, form(personas))
    assert response.status_code == 400
    assert "overlaps one already recorded" in response.content.decode()
    assert FundedOrganization.objects.count() == 1

    with pytest.raises(ValidationError) as refused:
        funded.funding_record(
            actor=personas.coordinator,
            membership=member(personas.coordinator),
            donor=personas.org_a,
            organization=personas.org_b,
            starts_on=datetime.date(2030, 1, 1),
        )
    assert "registered as a donor" in str(refused.value)


def test_it_ends_a_funding(personas, login_as):
    fund(donor_organization(personas), personas.org_b, starts_on=datetime.date(2025, 6, 1))
    link = FundedOrganization.objects.get()
    end = reverse("indicators:funding_end", args=[link.pk])

    refused = login_as(personas.coordinator).post(end, {"ends_on": "2025-01-01"})
    assert refused.status_code == 400
    assert "The funding cannot end before it starts." in refused.content.decode()

    response = login_as(personas.coordinator).post(end, {"ends_on": "2026-06-30"})

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.ends_on == datetime.date(2026, 6, 30)
    assert AuditEvent.objects.filter(action="indicators.funding_end", target_id=str(link.pk)).count() == 1
    assert login_as(personas.coordinator).post(reverse("indicators:funding_end", args=[99999]), {}).status_code == 404


def test_it_refuses_everyone_but_coordinators(personas, client, login_as):
    fund(donor_organization(personas), personas.org_b)
    end = reverse("indicators:funding_end", args=[FundedOrganization.objects.get().pk])
    assert client.get(PATH).status_code == 302
    for user in (personas.donor, personas.admin_a, personas.supervisor_b, personas.monitor_a):
        signed_in = login_as(user)
        assert signed_in.get(PATH).status_code == 403, user
        assert signed_in.post(PATH, form(personas)).status_code == 403, user
        assert signed_in.post(end, {"ends_on": "2026-06-30"}).status_code == 403, user
    assert FundedOrganization.objects.get().ends_on is None
    with pytest.raises(PermissionDenied):
        funded.funding_record(
            actor=personas.admin_a,
            membership=member(personas.admin_a),
            donor=donor_organization(personas),
            organization=personas.org_b,
            starts_on=datetime.date(2030, 1, 1),
        )
