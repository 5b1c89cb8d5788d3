"""The targets page: supervisors and admins set their organization's targets, coordinators the
network's or any organization's; the service's checks show on the form; progress is listed."""

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.indicators.models import Target
from caseway.indicators.tests.crafted import PERIOD
from caseway.indicators.tests.dashboards import CODE, answered, table_after

pytestmark = pytest.mark.django_db

PATH = reverse("indicators:targets")


def form(organization, **values):
    data = {"organization": organization, "period": PERIOD.key, "indicator": CODE, "baseline": "40", "target": "70"}
    data.update(values)
    return data


def test_it_sets_an_organization_s_target_for_its_supervisor(personas, login_as):
    response = login_as(personas.supervisor_a).post(PATH, form(personas.org_a.pk))

    assert response.status_code == 302
    assert response["Location"] == f"{PATH}?for={personas.org_a.pk}&period={PERIOD.key}"
    target = Target.objects.get()
    assert (target.organization, target.indicator.code, str(target.target), str(target.baseline)) == (
        personas.org_a,
        CODE,
        "70.0000",
        "40.0000",
    )
    assert AuditEvent.objects.filter(action="indicators.target_set").count() == 1


def test_it_lists_the_targets_with_progress(personas, login_as):
    answered(personas, to=personas.org_a, accepted=7, declined=5, user=personas.caseworker_b)
    signed_in = login_as(personas.admin_a)
    signed_in.post(PATH, form(personas.org_a.pk))

    response = signed_in.get(f"{PATH}?for={personas.org_a.pk}&period={PERIOD.key}")

    assert response.status_code == 200
    assert table_after(response.content.decode(), "Progress towards the targets") == [
        ["Referral acceptance rate", "40", "70", "58.3%", "61%"]
    ]


def test_it_lets_a_coordinator_set_the_network_s_target(personas, login_as):
    response = login_as(personas.coordinator).post(PATH, form("network"))

    assert response.status_code == 302
    assert Target.objects.get().organization is None


def test_it_shows_the_service_s_checks_on_the_form(personas, login_as):
    signed_in = login_as(personas.supervisor_a)
    for values, message in (
        ({"target": ""}, "Enter the target."),
        ({"target": "abc"}, "Enter a number."),
        ({"target": "120"}, "A percentage cannot be above 100."),
        ({"baseline": "-1"}, "Enter zero or more."),
    ):
        response = signed_in.post(PATH, form(personas.org_a.pk, **values))
        assert response.status_code == 400, values
        assert message in response.content.decode(), values
    assert not Target.objects.exists()


def test_it_keeps_staff_to_their_own_organization(personas, login_as):
    signed_in = login_as(personas.supervisor_a)

    assert signed_in.post(PATH, form(personas.org_b.pk)).status_code == 400  # not a choice
    assert signed_in.post(PATH, form("network")).status_code == 400
    assert signed_in.get(f"{PATH}?for={personas.org_b.pk}").status_code == 404
    assert signed_in.get(f"{PATH}?for=network").status_code == 404
    assert not Target.objects.exists()


def test_it_refuses_roles_that_set_no_target(personas, client, login_as):
    assert client.get(PATH).status_code == 302
    for user in (personas.caseworker_a, personas.legal_officer_a, personas.donor, personas.monitor_a):
        signed_in = login_as(user)
        assert signed_in.get(PATH).status_code == 403, user
        assert signed_in.post(PATH, form(personas.org_a.pk)).status_code == 403, user
    assert not Target.objects.exists()
