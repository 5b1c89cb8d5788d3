"""The pathways API: the definitions in use, starting one from a case, reading its progress.

Through bearer tokens, as an integrator calls it; the same services as the pages.
"""

import pytest
from django.urls import reverse

from caseway.api.tests.helpers import bearer, create_token
from caseway.audit.models import AuditEvent
from caseway.clients.models import DataCategory
from caseway.referrals.models import PathwayRun, Referral, Status
from caseway.referrals.tests.helpers import member
from caseway.referrals.tests.pathway_helpers import a_pathway, b_services, outsider_training, ready_case, start

pytestmark = pytest.mark.django_db


def auth(user):
    _token, secret = create_token(user)
    return bearer(secret)


def get(client, user, name, *args):
    return client.get(reverse(f"api:{name}", args=args), **auth(user))


def post(client, user, name, *args, data=None):
    return client.post(reverse(f"api:{name}", args=args), data or {}, content_type="application/json", **auth(user))


def test_it_lists_the_pathways_in_use_with_their_steps(client, personas):
    pathway = a_pathway(personas, needs=["health"], urgent_health_need=True)
    a_pathway(personas, code="retired", name="Retired")
    type(pathway).objects.filter(code="retired").update(is_active=False)

    rows = get(client, personas.caseworker_a, "pathway_list").json()

    assert [row["code"] for row in rows] == ["crsv-72h"]
    (row,) = rows
    assert (row["needs"], row["urgent_health_need"]) == (["health"], True)
    assert [step["category"] for step in row["steps"]] == ["health.cmr", "mhpss", "legal.counselling"]
    first = row["steps"][0]
    assert (first["category_name"], first["within_hours"], first["due_from"]) == (
        "Clinical management of rape",
        72,
        "start",
    )
    assert first["time_frame"] == "within 3 days of the start"


def test_it_starts_a_pathway_and_answers_its_progress(client, personas):
    b_services(personas)
    a_pathway(personas)
    case = ready_case(personas)

    response = post(client, personas.caseworker_a, "case_pathways", case.pk, data={"pathway": "crsv-72h"})

    assert response.status_code == 201, response.content
    body = response.json()
    run = PathwayRun.objects.get()
    assert (body["id"], body["case"], body["pathway"]["code"]) == (str(run.pk), str(case.pk), "crsv-72h")
    assert [step["state"] for step in body["steps"]] == ["awaiting", "awaiting", "awaiting"]
    assert body["next_step"] == 1
    assert body["steps"][0]["referral"]["status"] == "sent"
    assert body["steps"][0]["referral"]["to_organization"]["name"] == "Beta Legal Aid"
    assert Referral.objects.filter(status=Status.SENT).count() == 3

    read = get(client, personas.caseworker_a, "pathway_run_detail", run.pk).json()
    listed = get(client, personas.caseworker_a, "case_pathways", case.pk).json()
    assert read == body
    assert listed == [body]


def test_it_takes_choices_per_step(client, personas):
    b_services(personas)
    a_pathway(personas)
    case = ready_case(personas)

    response = post(
        client,
        personas.caseworker_a,
        "case_pathways",
        case.pk,
        data={
            "pathway": "crsv-72h",
            "steps": [{"order": 2, "include": False}, {"order": 3, "categories": ["needs"]}],
            "note": "Prefers appointments in the morning.",
        },
    )

    assert response.status_code == 201, response.content
    referrals = {referral.pathway_step.order: referral for referral in Referral.objects.all()}
    assert sorted(referrals) == [1, 3]
    assert referrals[3].categories == [DataCategory.NEEDS]
    assert referrals[3].reason.endswith("Prefers appointments in the morning.")


def test_it_answers_400_naming_the_blocked_step_and_writes_nothing(client, personas):
    b_services(personas)
    training = outsider_training(personas)
    a_pathway(personas)
    case = ready_case(personas)

    response = post(
        client,
        personas.caseworker_a,
        "case_pathways",
        case.pk,
        data={"pathway": "crsv-72h", "steps": [{"order": 1, "service": str(training.pk)}]},
    )

    assert response.status_code == 400
    assert response.json()["step_1"] == ["Choose one of the services listed for this step."]
    assert (PathwayRun.objects.count(), Referral.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"pathway": "no-such-pathway"}, "pathway"),
        ({"pathway": "crsv-72h", "steps": [{"order": 1}, {"order": 1}]}, "steps"),
        ({"pathway": "crsv-72h", "steps": [{"order": 1, "service": "00000000-0000-0000-0000-000000000001"}]}, "step_1"),
        ({"pathway": "crsv-72h", "steps": [{"order": 1, "categories": ["nonsense"]}]}, "steps"),
    ],
)
def test_it_refuses_what_it_cannot_start(client, personas, data, key):
    b_services(personas)
    a_pathway(personas)
    case = ready_case(personas)

    response = post(client, personas.caseworker_a, "case_pathways", case.pk, data=data)

    assert response.status_code == 400
    assert key in response.json()
    assert PathwayRun.objects.count() == 0


def test_it_hides_another_organizations_case_and_run(client, personas):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    run = start(personas, pathway, case)

    for user in (personas.outsider, personas.caseworker_b):
        assert get(client, user, "pathway_run_detail", run.pk).status_code == 404
        assert get(client, user, "case_pathways", case.pk).status_code == 404
        assert post(client, user, "case_pathways", case.pk, data={"pathway": "crsv-72h"}).status_code == 404
    assert PathwayRun.objects.count() == 1


def test_it_refuses_roles_without_personal_data_and_audits_it(client, personas):
    b_services(personas)
    pathway = a_pathway(personas)
    run = start(personas, pathway, ready_case(personas))

    for name in ("coordinator", "admin_a", "donor", "monitor_a"):
        user = getattr(personas, name)
        assert get(client, user, "pathway_run_detail", run.pk).status_code == 403
        assert get(client, user, "pathway_list").status_code == 403
    assert AuditEvent.objects.filter(action="access.permission_denied").count() == 8


def test_it_shows_the_outcome_the_receiver_reported(client, personas):
    from caseway.referrals import services
    from caseway.referrals.models import Outcome

    b_services(personas)
    pathway = a_pathway(personas)
    run = start(personas, pathway, ready_case(personas))
    receiver = member(personas.caseworker_b)
    referral = run.referrals.get(pathway_step__order=1)
    for move in (services.referral_accept, services.referral_start_service):
        move(actor=receiver.user, membership=receiver, referral=referral)
    services.referral_complete(
        actor=receiver.user, membership=receiver, referral=referral, outcome=Outcome.SERVICE_PROVIDED
    )

    body = get(client, personas.caseworker_a, "pathway_run_detail", run.pk).json()

    first = body["steps"][0]
    assert (first["state"], first["referral"]["outcome"], first["is_next"]) == ("completed", "service_provided", False)
    assert body["next_step"] == 2
