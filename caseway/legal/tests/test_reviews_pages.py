"""The case reviews pages: a matter's reviews (days and organizations only), recording one, one
review with its minutes, participants and action items."""

import datetime

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.casework.tests.appointment_helpers import member
from caseway.legal import services
from caseway.legal.models import CaseReview, ReviewActionItem
from caseway.legal.tests.object_urls_legal import a_matter
from caseway.legal.tests.object_urls_reviews import a_review, an_action_item, assert_refused

pytestmark = pytest.mark.django_db


def _with_co_counsel(personas, matter):
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=personas.org_b,
        role="co_counsel",
    )
    return matter


def test_the_matter_page_links_to_its_reviews_and_requests(personas, login_as):
    matter = a_matter(personas)
    page = login_as(personas.legal_officer_a).get(reverse("legal:matter", args=[matter.pk])).content.decode()
    assert reverse("legal:reviews", args=[matter.pk]) in page
    assert reverse("legal:requests", args=[matter.pk]) in page


def test_the_list_shows_days_and_organizations_never_the_texts(personas, login_as):
    matter = _with_co_counsel(personas, a_matter(personas))
    a_review(personas, matter)
    page = login_as(personas.legal_officer_b).get(reverse("legal:reviews", args=[matter.pk])).content.decode()
    assert "2025-06-02" in page and "ALR" in page
    assert "Fictional agenda" not in page


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_reviews(
    personas, login_as, django_assert_max_num_queries
):
    matter = a_matter(personas)
    a_review(personas, matter)
    client = login_as(personas.legal_officer_a)
    url = reverse("legal:reviews", args=[matter.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for _ in range(4):
        review = a_review(personas, matter)
        _with_participant(personas, review)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def _with_participant(personas, review):
    from caseway.legal import reviews

    reviews.participant_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        review=review,
        organization=personas.org_other,
    )


def test_recording_a_review_lists_the_parties_first_and_opens_it(personas, login_as):
    matter = a_matter(personas)
    services.co_counsel_add(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        matter=matter,
        organization=personas.org_other,
        role="expert",
    )
    client = login_as(personas.legal_officer_a)
    url = reverse("legal:review_add", args=[matter.pk])
    form = client.get(url).content.decode()
    # Gamma (co-counsel) before Beta, Delta and Epsilon (by name); Alpha, the user's own, not offered.
    assert form.index(" GCO</label>") < form.index(" BLA</label>") < form.index(" DLF</label>")
    assert " ALR</label>" not in form
    response = client.post(
        url, {"held_on": "2025-06-10", "organizations": [personas.org_b.pk], "agenda": "Fictional agenda."}
    )
    review = CaseReview.objects.get()
    assert response["Location"] == reverse("legal:review", args=[review.pk])
    organizations = set(review.participants.values_list("organization_id", flat=True))
    assert organizations == {personas.org_a.pk, personas.org_b.pk}


def test_recording_without_a_day_says_so_and_writes_nothing(personas, login_as):
    matter = a_matter(personas)
    response = login_as(personas.legal_officer_a).post(reverse("legal:review_add", args=[matter.pk]), {"agenda": "x"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not CaseReview.objects.exists()


def test_the_review_page_shows_the_minutes_audits_the_reading_and_saves_them(personas, login_as):
    review = a_review(personas)
    client = login_as(personas.legal_officer_a)
    url = reverse("legal:review", args=[review.pk])
    assert "Fictional agenda: the hearing strategy." in client.get(url).content.decode()
    assert AuditEvent.objects.get(action="legal.review_viewed").fields == ["agenda", "decisions", "minutes"]
    response = client.post(url, {"held_on": "2025-06-02", "agenda": "Fictional agenda.", "minutes": "Agreed."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.agenda, review.minutes) == ("Fictional agenda.", "Agreed.")
    assert client.post(url, {"held_on": ""}).status_code == 400


def test_participants_and_action_items_are_added_on_the_review_page(personas, login_as):
    review = a_review(personas)
    client = login_as(personas.legal_officer_a)
    url = reverse("legal:review_participant_add", args=[review.pk])
    person = {"organization": personas.org_b.pk, "user": personas.legal_officer_b.pk, "role": "Observer"}
    # People are offered for the organizations taking part: Beta's once Beta takes part.
    refused = client.post(url, person, follow=True).content.decode()
    assert "Select a valid choice." in refused
    client.post(url, {"organization": personas.org_b.pk})
    client.post(url, person)
    assert review.participants.filter(user=personas.legal_officer_b, role="Observer").exists()
    client.post(
        reverse("legal:action_item_add", args=[review.pk]),
        {"organization": personas.org_b.pk, "title": "Fictional: send the file.", "due_on": "2025-01-01"},
    )
    item = ReviewActionItem.objects.get()
    assert item.task is None
    page = client.get(reverse("legal:review", args=[review.pk])).content.decode()
    assert "Fictional: send the file." in page and "Overdue" in page
    client.post(reverse("legal:action_item_done", args=[item.pk]))
    assert ReviewActionItem.objects.get().done_at is not None
    again = client.post(reverse("legal:action_item_done", args=[item.pk]), follow=True)
    assert "This action is already done." in again.content.decode()


def test_a_refused_action_item_says_why(personas, login_as):
    review = a_review(personas)
    response = login_as(personas.legal_officer_a).post(
        reverse("legal:action_item_add", args=[review.pk]),
        {"organization": personas.org_a.pk, "title": ""},
        follow=True,
    )
    assert "This field is required." in response.content.decode()
    assert not ReviewActionItem.objects.exists()


def test_an_action_item_that_is_a_task_of_the_own_case_shows_so_and_is_marked_done(personas, login_as):
    item = an_action_item(personas)
    client = login_as(personas.legal_officer_a)
    page = client.get(reverse("legal:review", args=[item.review_id])).content.decode()
    assert "a task on your case" in page
    client.post(reverse("legal:action_item_done", args=[item.pk]))
    item.task.refresh_from_db()
    assert item.task.done_at is not None
    assert "Done " not in page
    after = client.get(reverse("legal:review", args=[item.review_id])).content.decode()
    assert "Done " in after and "Mark done" not in after


def test_the_review_pages_refuse_everyone_but_the_parties(client, personas, login_as):
    item = an_action_item(personas)
    review, matter = item.review, item.review.matter
    assert_refused(client, login_as, personas, reverse("legal:reviews", args=[matter.pk]))
    assert_refused(client, login_as, personas, reverse("legal:review_add", args=[matter.pk]))
    assert_refused(client, login_as, personas, reverse("legal:review", args=[review.pk]))
    data = {"organization": personas.org_b.pk}
    for name in ("legal:review_participant_add", "legal:action_item_add"):
        assert_refused(client, login_as, personas, reverse(name, args=[review.pk]), "post", data)
    assert_refused(client, login_as, personas, reverse("legal:action_item_done", args=[item.pk]), "post")
    assert review.participants.count() == 1 and ReviewActionItem.objects.count() == 1
    assert item.task.__class__.objects.get().done_at is None
    assert datetime.date(2025, 6, 2) == CaseReview.objects.get().held_on
