"""Case reviews: held by a party of the matter with the organizations taking part, texts written
under the client's key, participants from the network or described on the inviting organization."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import reviews, services
from caseway.legal.models import CaseReview, ReviewParticipant
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.object_urls_reviews import a_review

pytestmark = pytest.mark.django_db
D = datetime.date


def _hold(personas, matter, user=None, **values):
    user = user or personas.legal_officer_a
    values.setdefault("held_on", D(2025, 6, 2))
    return reviews.review_hold(actor=user, membership=member(user), matter=matter, **values)


def test_it_holds_a_review_with_the_own_organization_always_taking_part(personas):
    matter = a_matter(personas)
    review = _hold(personas, matter, organizations=[personas.org_b, personas.org_other], minutes="Fictional minutes.")
    organizations = set(review.participants.values_list("organization_id", flat=True))
    assert organizations == {personas.org_a.pk, personas.org_b.pk, personas.org_other.pk}
    assert review.data_key_id == matter.data_key_id
    assert CaseReview.objects.get().minutes == "Fictional minutes."
    event = AuditEvent.objects.get(action="legal.review_held")
    assert event.fields == ["held_on", "participants", "minutes"]


def test_it_keeps_agenda_decisions_and_minutes_encrypted(personas):
    _hold(personas, a_matter(personas), agenda="Fictional agenda", decisions="Fictional decision")
    with connection.cursor() as cursor:
        cursor.execute("SELECT agenda, decisions FROM legal_casereview")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert "Fictional" not in stored and stored.strip()


def test_it_refuses_an_inactive_organization_and_writes_nothing(personas):
    personas.org_other.is_active = False
    personas.org_other.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as error:
        _hold(personas, a_matter(personas), organizations=[personas.org_other])
    assert "organizations" in error.value.message_dict
    assert not CaseReview.objects.exists()


def test_it_lets_co_counsel_hold_one_and_hides_it_from_everyone_else(personas):
    matter = a_matter(personas)
    with pytest.raises(Http404):
        _hold(personas, matter, user=personas.legal_officer_b)
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=personas.org_b,
        role="co_counsel",
    )
    assert _hold(personas, matter, user=personas.legal_officer_b).participants.get().organization == personas.org_b
    with pytest.raises(PermissionDenied):
        _hold(personas, matter, user=personas.caseworker_a)


def test_it_writes_only_what_changed_and_audits_the_field_names(personas):
    review = a_review(personas)
    lawyer = member(personas.legal_officer_a)
    reviews.review_write(
        actor=personas.legal_officer_a,
        membership=lawyer,
        review=review,
        held_on=review.held_on,
        agenda="Fictional agenda: the hearing strategy.",
        minutes="Fictional minutes.",
    )
    event = AuditEvent.objects.get(action="legal.review_written")
    assert event.fields == ["minutes"]
    review.refresh_from_db()
    assert (review.agenda, review.minutes) == ("Fictional agenda: the hearing strategy.", "Fictional minutes.")
    with pytest.raises(Http404):
        reviews.review_write(
            actor=personas.legal_officer_b,
            membership=member(personas.legal_officer_b),
            review=review,
            held_on=review.held_on,
        )


def test_it_adds_a_person_of_a_network_organization_only_if_they_belong_to_it(personas):
    review = a_review(personas)
    lawyer = member(personas.legal_officer_a)
    add = reviews.participant_add
    with pytest.raises(ValidationError) as error:
        add(
            actor=personas.legal_officer_a,
            membership=lawyer,
            review=review,
            organization=personas.org_b,
            user=personas.caseworker_a,
        )
    assert "user" in error.value.message_dict
    added = add(
        actor=personas.legal_officer_a,
        membership=lawyer,
        review=review,
        organization=personas.org_b,
        user=personas.legal_officer_b,
        role="Co-counsel, Beta",
    )
    assert (added.user, added.role) == (personas.legal_officer_b, "Co-counsel, Beta")
    with pytest.raises(ValidationError):
        add(
            actor=personas.legal_officer_a,
            membership=lawyer,
            review=review,
            organization=personas.org_b,
            user=personas.legal_officer_b,
        )


def test_it_records_an_outside_participant_on_the_inviting_organization_by_role(personas):
    review = a_review(personas)
    lawyer = member(personas.legal_officer_a)
    with pytest.raises(ValidationError) as error:
        reviews.participant_add(
            actor=personas.legal_officer_a, membership=lawyer, review=review, organization=personas.org_a
        )
    assert error.value.message_dict == {"organization": ["This organization already takes part."]}
    outside = reviews.participant_add(
        actor=personas.legal_officer_a,
        membership=lawyer,
        review=review,
        organization=personas.org_a,
        role="Prosecutor's office of XB, observer",
    )
    assert (outside.organization, outside.user, outside.role) == (
        personas.org_a,
        None,
        "Prosecutor's office of XB, observer",
    )
    assert ReviewParticipant.objects.filter(review=review).count() == 2
    assert AuditEvent.objects.get(action="legal.review_participant_added").fields == ["organization", "role"]
