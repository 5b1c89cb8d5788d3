"""Categories: a case another organization opened by referral shows only what the client shared with it.

Consent decides, at once: a revocation hides the category on the next request. ``access.page_access``
(used by lists, one query for a page) must agree with ``consent.shared_categories`` in every case.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseway.clients import access, consent
from caseway.clients.models import Case, Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.records_helpers import case_at, case_url, list_url, member, referral_case

pytestmark = pytest.mark.django_db
SHARING = ConsentPurpose.SHARING


@pytest.fixture
def origin(personas):
    """The client's first case, at org A (the intake), with identity and contact."""
    return case_at(
        personas.caseworker_a,
        given_name="Amina",
        family_name="Haddad",
        phone="+235 66 12 34 56",
        address="Rue 12, Quartier Nord",
    )


@pytest.fixture
def at_b(personas, origin):
    return referral_case(origin, personas.org_b)


def share(personas, origin, categories, **extra):
    return give_consent(
        origin.client,
        SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=categories,
        **extra,
    )


def test_it_shows_nothing_personal_without_consent(personas, login_as, at_b):
    page = login_as(personas.caseworker_b).get(case_url(at_b)).content.decode()
    assert at_b.client.code in page
    for value in ("Amina", "Haddad", "66 12 34 56", "Rue 12"):
        assert value not in page
    assert "has not agreed to share their identity or contact details" in page
    assert access.visible_categories(member(personas.caseworker_b), at_b) == frozenset()


def test_it_shows_only_the_consented_categories(personas, login_as, origin, at_b):
    share(personas, origin, [DataCategory.CONTACT])
    page = login_as(personas.caseworker_b).get(case_url(at_b)).content.decode()
    assert "66 12 34 56" in page and "Rue 12" in page
    assert "Amina" not in page and "Haddad" not in page
    assert "has not agreed to share their identity" in page


def test_it_shows_identity_when_consented(personas, login_as, origin, at_b):
    share(personas, origin, [DataCategory.IDENTITY])
    client = login_as(personas.caseworker_b)
    page = client.get(case_url(at_b)).content.decode()
    assert "Amina" in page
    assert "66 12 34 56" not in page
    assert "Amina Haddad" in client.get(list_url()).content.decode()


def test_it_hides_a_category_at_once_on_revocation(personas, login_as, origin, at_b):
    answer = share(personas, origin, [DataCategory.IDENTITY, DataCategory.CONTACT])
    client = login_as(personas.caseworker_b)
    assert "Amina" in client.get(case_url(at_b)).content.decode()
    Consent.objects.filter(pk=answer.pk).update(revoked_at=timezone.now())
    page = client.get(case_url(at_b)).content.decode()
    assert "Amina" not in page and "66 12 34 56" not in page
    assert "Amina" not in client.get(list_url()).content.decode()
    assert client.get(list_url(q="Amina")).context["rows"] == []


def test_it_hides_a_category_on_expiry(personas, login_as, origin, at_b):
    share(personas, origin, [DataCategory.IDENTITY], expires_at=timezone.now() + datetime.timedelta(minutes=5))
    client = login_as(personas.caseworker_b)
    assert "Amina" in client.get(case_url(at_b)).content.decode()
    Consent.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "Amina" not in client.get(case_url(at_b)).content.decode()


def test_it_follows_the_newest_answer(personas, login_as, origin, at_b):
    share(personas, origin, [DataCategory.IDENTITY], recorded_at=timezone.now() - datetime.timedelta(hours=1))
    share(personas, origin, [DataCategory.IDENTITY], granted=False)
    assert "Amina" not in login_as(personas.caseworker_b).get(case_url(at_b)).content.decode()


def test_it_ignores_consent_given_to_another_organization(personas, login_as, origin, at_b):
    give_consent(
        origin.client,
        SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_other,
        categories=[DataCategory.IDENTITY],
    )
    assert "Amina" not in login_as(personas.caseworker_b).get(case_url(at_b)).content.decode()


def test_it_keeps_every_category_at_the_intake_organization(personas, origin):
    assert access.visible_categories(member(personas.caseworker_a), origin) == access.EVERY_CATEGORY


def test_it_lets_a_linked_case_see_only_what_was_shared(personas, login_as, origin):
    linked = referral_case(origin, personas.org_b, origin=Case.Origin.LINK)
    share(personas, origin, [DataCategory.IDENTITY])
    assert access.visible_categories(member(personas.caseworker_b), linked) == {DataCategory.IDENTITY}


def test_it_does_not_offer_identity_editing_without_identity(personas, login_as, origin, at_b):
    share(personas, origin, [DataCategory.CONTACT])
    client = login_as(personas.caseworker_b)
    assert reverse("clients:identity_edit", args=[at_b.pk]) not in client.get(case_url(at_b)).content.decode()
    assert client.get(reverse("clients:identity_edit", args=[at_b.pk])).status_code == 403


# --- page_access agrees with consent.shared_categories ---------------------------------------

NOW = timezone.now()
answers = st.lists(
    st.fixed_dictionaries(
        {
            "granted": st.booleans(),
            "categories": st.lists(st.sampled_from(DataCategory.values), max_size=3, unique=True),
            "age_minutes": st.integers(min_value=-5, max_value=600),  # negative: recorded in the future
            "revoked_minutes_ago": st.one_of(st.none(), st.integers(min_value=-5, max_value=600)),
            "expires_in_minutes": st.one_of(st.none(), st.integers(min_value=-600, max_value=600)),
        }
    ),
    max_size=5,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answers)
def test_it_decides_a_page_exactly_as_consent_does(personas, origin, at_b, answers):
    Consent.objects.filter(purpose=SHARING).delete()
    for answer in answers:
        minutes = datetime.timedelta(minutes=1)
        share(
            personas,
            origin,
            answer["categories"],
            granted=answer["granted"],
            recorded_at=NOW - answer["age_minutes"] * minutes,
            revoked_at=None if answer["revoked_minutes_ago"] is None else NOW - answer["revoked_minutes_ago"] * minutes,
            expires_at=None if answer["expires_in_minutes"] is None else NOW + answer["expires_in_minutes"] * minutes,
        )
    membership = member(personas.caseworker_b)
    page = access.page_access(membership, [at_b], at=NOW)
    assert page.categories_of(membership, at_b) == consent.shared_categories(at_b.client, personas.org_b, at=NOW)
