"""The weekly-hours form of a service: agency admins of the owning organization only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.directory.models import Schedule
from caseway.directory.schedules import is_open_at
from caseway.directory.tests.factories import ScheduleFactory, ServiceFactory
from caseway.orgs.permissions import Action
from caseway.orgs.tests.helpers import (
    NOT_ADMINS,
    assert_forbidden_and_recorded,
    assert_not_found,
    assert_sent_to_sign_in,
)


@pytest.fixture
def service(personas):
    return ServiceFactory(organization=personas.org_a)


def url(service):
    return reverse("directory:service_hours", args=[service.pk])


def weekdays(opens="09:00", closes="17:00", **extra):
    data = {}
    for day in ("MO", "TU", "WE", "TH", "FR"):
        data[f"{day}_opens"] = opens
        data[f"{day}_closes"] = closes
    data.update(extra)
    return data


def test_it_sends_an_anonymous_visitor_to_sign_in(client, service):
    assert_sent_to_sign_in(client.get(url(service)), url(service))


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_it_refuses_every_role_but_agency_admin(client, personas, login_as, service, persona):
    user = getattr(personas, persona)
    login_as(user)

    assert_forbidden_and_recorded(client.post(url(service), weekdays()), user, Action.MANAGE_SERVICES)
    assert not Schedule.objects.exists()


def test_an_admin_of_another_organization_gets_404(client, personas, login_as, service):
    login_as(personas.admin_b)

    assert_not_found(client.get(url(service)))
    assert_not_found(client.post(url(service), weekdays()))
    assert not Schedule.objects.exists()


def test_days_with_the_same_hours_share_one_schedule(client, personas, login_as, service):
    login_as(personas.admin_a)

    response = client.post(url(service), weekdays(SA_opens="10:00", SA_closes="13:00", utc_offset="3"))

    assert response.status_code == 302
    rows = {row.byday: (row.opens_at, row.closes_at, row.timezone) for row in Schedule.objects.filter(service=service)}
    assert rows == {
        "MO,TU,WE,TH,FR": (datetime.time(9), datetime.time(17), Decimal("3.00")),
        "SA": (datetime.time(10), datetime.time(13), Decimal("3.00")),
    }
    monday_noon_local = datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC)
    assert any(is_open_at(row, monday_noon_local) for row in Schedule.objects.all())
    event = audit_events("directory.service_hours_updated").get()
    assert event.fields == ["schedules"] and event.target_id == str(service.pk)
    service.refresh_from_db()
    assert (datetime.datetime.now(datetime.UTC) - service.last_modified).total_seconds() < 60


def test_saving_replaces_weekly_hours_but_keeps_other_schedules(client, personas, login_as, service):
    ScheduleFactory(service=service, byday="SU")
    ScheduleFactory(service=service, freq="MONTHLY", byday="1MO", description="First Monday of the month")
    login_as(personas.admin_a)

    form = client.get(url(service)).content.decode()
    client.post(url(service), weekdays())

    assert 'name="SU_opens" value="09:00"' in form
    assert sorted(Schedule.objects.values_list("freq", "byday")) == [("MONTHLY", "1MO"), ("WEEKLY", "MO,TU,WE,TH,FR")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"MO_opens": "09:00"}, "Give both the opening and the closing time, or neither."),
        ({"MO_opens": "9 o'clock", "MO_closes": "17:00"}, "Enter a valid time."),
        ({"utc_offset": "15"}, "Ensure this value is less than or equal to 14."),
    ],
)
def test_invalid_hours_are_explained_and_change_nothing(client, personas, login_as, service, data, message):
    ScheduleFactory(service=service)
    login_as(personas.admin_a)

    response = client.post(url(service), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Schedule.objects.get().byday == "MO,TU,WE,TH,FR"
    assert not audit_events("directory.service_hours_updated").exists()
