"""What the matching tests build: a client in a known place, and services crafted around her.

The geography: country XA, region XA01 (Northern) with districts XA0101 (the client's) and
XA0102; region XA02 with district XA0201; country XB with district XB0101. A service made with
``a_service`` is active, accepts referrals, has one physical location (in the client's district
unless told otherwise) and fits the legal need (``legal.counselling``) unless told otherwise.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from caseway.clients.models import AgeBand, Need, Sex
from caseway.clients.tests.factories import a_case
from caseway.directory import models as directory
from caseway.directory.queries import forget_choice_lists
from caseway.directory.tests.factories import (
    AddressFactory,
    OrganizationFactory,
    ServiceFactory,
    UnitFactory,
    term,
)
from caseway.referrals.matching import forget_records, rank_services
from caseway.referrals.models import Referral, Status


def area(pcode, name, level, parent=None, latitude=None, longitude=None):
    found, _created = directory.AdminArea.objects.get_or_create(
        pcode=pcode,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    return found


class Places:
    """The test geography, made once per test."""

    def __init__(self):
        self.xa = area("XA", "Aldoria", 0)
        self.north = area("XA01", "Northern", 1, self.xa)
        self.home = area("XA0101", "Riverside", 2, self.north, Decimal("10.000000"), Decimal("20.000000"))
        self.next_door = area("XA0102", "Hillside", 2, self.north, Decimal("10.500000"), Decimal("20.500000"))
        self.south = area("XA02", "Southern", 1, self.xa)
        self.far = area("XA0201", "Lakeside", 2, self.south, Decimal("12.000000"), Decimal("22.000000"))
        self.xb = area("XB", "Belmara", 0)
        self.abroad_region = area("XB01", "Eastern", 1, self.xb)
        self.abroad = area("XB0101", "Harbour", 2, self.abroad_region, Decimal("15.000000"), Decimal("25.000000"))


def membership_of(user):
    return user.memberships.select_related("organization").get()


def a_client_case(personas, places, *, needs=(("legal", Need.Priority.MEDIUM),), **values):
    """A client of organization A living in the client's district, with these open needs."""
    values.setdefault("admin_area", places.home)
    values.setdefault("sex", Sex.FEMALE)
    values.setdefault("age_band", AgeBand.AGE_25_59)
    case = a_case(membership_of(personas.caseworker_a), **values)
    for domain, priority in needs:
        Need.objects.create(case=case, domain=domain, priority=priority)
    return case


def a_service(
    *,
    name,
    categories=("legal.counselling",),
    where=None,
    organization=None,
    location_type=directory.Location.LocationType.PHYSICAL,
    latitude=None,
    longitude=None,
    confidential=False,
    with_location=True,
    **fields,
):
    """An active service accepting referrals, at one location in ``where`` (an area)."""
    service = ServiceFactory(
        name=name, organization=organization or OrganizationFactory(), categories=list(categories), **fields
    )
    if with_location:
        location = directory.Location.objects.create(
            location_type=location_type,
            organization=service.organization,
            name=f"{name} place",
            admin_area=where,
            latitude=latitude,
            longitude=longitude,
            is_confidential=confidential,
        )
        AddressFactory(location=location, address_1=f"{name} Street 1", city="Town")
        directory.ServiceAtLocation.objects.create(service=service, location=location)
    return service


def location_of(service):
    return service.service_at_locations.get().location


def with_feature(service, feature):
    directory.Accessibility.objects.create(location=location_of(service), feature=feature)


def speaking(service, code, *, at_location=False):
    if at_location:
        return directory.Language.objects.create(location=location_of(service), code=code, name=code)
    return directory.Language.objects.create(service=service, code=code, name=code)


def with_capacity(service, available, unit="places"):
    return directory.ServiceCapacity.objects.create(
        service=service, unit=UnitFactory(name=unit), available=Decimal(available), maximum=None
    )


def referrals_to(organization, case, *, accepted=0, declined=0, overdue=0, hours_to_accept=4, now=None):
    """Past referrals from ``case`` to ``organization``: accepted, declined, and left unanswered."""
    now = now or timezone.now()
    made = []
    for status, count in ((Status.ACCEPTED, accepted), (Status.DECLINED, declined), (Status.SENT, overdue)):
        for number in range(count):
            sent = now - datetime.timedelta(days=10, hours=number)
            answered = sent + datetime.timedelta(hours=hours_to_accept) if status != Status.SENT else None
            made.append(
                Referral(
                    client=case.client,
                    from_case=case,
                    from_organization=case.organization,
                    to_organization=organization,
                    status=status,
                    data_key_id=case.client.data_key_id,
                    sent_at=sent,
                    answered_at=answered,
                    due_at=sent + datetime.timedelta(hours=72),
                )
            )
    Referral.objects.bulk_create(made)
    return made


def names(matches):
    return [match.service.name for match in matches]


def reason_codes(match):
    return [reason.code for reason in match.reasons]


def match_named(matches, name):
    return next(match for match in matches if match.service.name == name)


@pytest.fixture
def fresh_caches():
    """Each test reads the organizations' record and the directory's languages afresh."""
    forget_records()
    forget_choice_lists()
    yield
    forget_records()
    forget_choice_lists()


def rank(personas, case, **kwargs):
    """``rank_services`` as caseworker A, the record read as of now (never from the cache)."""
    kwargs.setdefault("now", timezone.now())
    return rank_services(membership=membership_of(personas.caseworker_a), case=case, **kwargs)


def reason(match, code):
    return next(found for found in match.reasons if found.code == code)


__all__ = ["term"]
