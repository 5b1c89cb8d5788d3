"""Every intake page tried by those who may not use it: anonymous, another organization, wrong role."""

import pytest
from django.urls import reverse

from caseway.clients import intake
from caseway.clients.models import Client, IntakeDraft
from caseway.clients.tests.factories import a_case
from caseway.clients.tests.intake_helpers import completed_intake, draft_at, member_of, safety_data, step_url
from caseway.orgs.tests.helpers import assert_not_found, assert_sent_to_sign_in

pytestmark = pytest.mark.django_db

WRONG_ROLES = ["admin_a", "monitor_a", "coordinator", "donor", "unaffiliated"]


def draft_paths(draft):
    return [
        step_url(draft, intake.SAFETY),
        step_url(draft, intake.CONSENT),
        reverse("clients:intake_end", kwargs={"pk": draft.pk}),
        reverse("clients:intake_use_existing", kwargs={"pk": draft.pk}),
    ]


def test_it_sends_anonymous_visitors_to_sign_in(client, personas):
    draft = draft_at(personas.caseworker_a, intake.CONSENT)
    done, _case = completed_intake(personas.supervisor_a)
    paths = [
        reverse("clients:intake_list"),
        reverse("clients:intake_start"),
        reverse("clients:intake_done", kwargs={"pk": done.pk}),
        *draft_paths(draft),
    ]

    for path in paths:
        assert_sent_to_sign_in(client.get(path), path)
        assert_sent_to_sign_in(client.post(path, safety_data()), path)
    assert IntakeDraft.objects.count() == 2


@pytest.mark.parametrize("persona", WRONG_ROLES)
def test_it_refuses_roles_that_do_not_register_clients(client, personas, login_as, persona):
    draft = draft_at(personas.caseworker_a, intake.CONSENT)
    login_as(getattr(personas, persona))

    assert client.get(reverse("clients:intake_list")).status_code == 403
    assert client.post(reverse("clients:intake_start")).status_code == 403
    for path in draft_paths(draft):
        assert client.post(path, safety_data()).status_code == 403
    assert IntakeDraft.objects.count() == 1


@pytest.mark.parametrize("persona", ["caseworker_b", "supervisor_b", "supervisor_a", "legal_officer_a"])
def test_someone_elses_draft_answers_404(client, personas, login_as, persona):
    draft = draft_at(personas.caseworker_a, intake.CONSENT)
    existing = a_case(member_of(personas.caseworker_a))
    login_as(getattr(personas, persona))

    for path in draft_paths(draft):
        if "existing" not in path:  # POST only
            assert_not_found(client.get(path))
        assert_not_found(client.post(path, {**safety_data(), "keep": "0", "case": existing.pk}))
    draft.refresh_from_db()
    assert draft.step == intake.CONSENT
    assert not draft.data_key.is_destroyed


@pytest.mark.parametrize("persona", ["caseworker_b", "supervisor_a"])
def test_someone_elses_finished_intake_answers_404(client, personas, login_as, persona):
    done, _case = completed_intake(personas.caseworker_a)
    login_as(getattr(personas, persona))

    assert_not_found(client.get(reverse("clients:intake_done", kwargs={"pk": done.pk})))
    assert_not_found(client.get(step_url(done, intake.SUMMARY)))


def test_a_case_of_another_organization_cannot_be_opened_instead(client, personas, login_as):
    draft = draft_at(personas.caseworker_a, intake.DUPLICATES)
    theirs = a_case(member_of(personas.caseworker_b))
    login_as(personas.caseworker_a)

    response = client.post(reverse("clients:intake_use_existing", kwargs={"pk": draft.pk}), {"case": theirs.pk})

    assert_not_found(response)
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()
    assert Client.objects.count() == 1


@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000001"])
def test_opening_a_case_that_is_not_there_answers_404(client, personas, login_as, value):
    draft = draft_at(personas.caseworker_a, intake.DUPLICATES)
    login_as(personas.caseworker_a)

    response = client.post(reverse("clients:intake_use_existing", kwargs={"pk": draft.pk}), {"case": value})

    assert_not_found(response)
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()
