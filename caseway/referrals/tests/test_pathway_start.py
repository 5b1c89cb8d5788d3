"""Starting a pathway: every chosen step's referral created and sent through the referral services,
blocked steps left with their reasons, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caseway.audit.models import AuditEvent
from caseway.clients.models import CaseStatus, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.referrals import package, pathways
from caseway.referrals.models import PathwayRun, Referral, ReferralEvent, Status, Urgency
from caseway.referrals.pathways import StepChoice
from caseway.referrals.tests.helpers import a_sender_case, an_agreement, member
from caseway.referrals.tests.pathway_helpers import (
    CRSV_STEPS,
    START,
    a_pathway,
    b_services,
    outsider_training,
    ready_case,
    start,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (PathwayRun.objects.count(), Referral.objects.count(), ReferralEvent.objects.count())


def test_it_sends_one_referral_per_step_through_the_gate_with_the_package_snapshot(personas):
    services = b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)

    run = start(personas, pathway, case)

    referrals = list(run.referrals.order_by("pathway_step__order"))
    assert [referral.to_service for referral in referrals] == [
        services["health.cmr"],
        services["mhpss"],
        services["legal.counselling"],
    ]
    assert [referral.urgency for referral in referrals] == [Urgency.EMERGENCY, Urgency.HIGH, Urgency.NORMAL]
    assert {referral.status for referral in referrals} == {Status.SENT}
    assert all(referral.pathway_step.pathway_id == pathway.pk for referral in referrals)
    for referral in referrals:
        assert referral.categories == [DataCategory.IDENTITY, DataCategory.NEEDS]
        assert package.visible_part(referral.package, {DataCategory.IDENTITY})["sections"]["identity"]
        assert list(referral.events.values_list("to_status", flat=True)) == [Status.DRAFT, Status.SENT]
        assert "CRSV within 72 hours" in referral.reason
    assert (run.case, run.started_by) == (case, personas.caseworker_a)
    started = AuditEvent.objects.get(action="referrals.pathway_started")
    assert started.target_id == str(run.pk)
    assert AuditEvent.objects.filter(action="referrals.referral_sent").count() == 3


def test_it_leaves_a_step_without_consent_or_agreement_blocked_and_refers_the_others(personas):
    b_services(personas)
    outsider_training(personas)
    pathway = a_pathway(
        personas,
        code="returning",
        name="Women returning with children",
        steps=(("health.cmr", Urgency.HIGH, 48, START), ("livelihoods.vocational_training", Urgency.NORMAL, 96, START)),
    )
    case = ready_case(personas)

    plans = pathways.plan(member(personas.caseworker_a), case, pathway)
    run = start(personas, pathway, case)

    assert [plan.include for plan in plans] == [True, False]
    blocked = " ".join(plans[1].blocked)
    assert "No data-sharing agreement for referrals is in force" in blocked
    assert "has not agreed to be referred to Epsilon Works" in blocked
    assert [referral.pathway_step.category for referral in run.referrals.all()] == ["health.cmr"]


def test_it_says_when_no_service_of_the_network_meets_a_step(personas):
    b_services(personas)
    pathway = a_pathway(personas, steps=(("childcare.vouchers", Urgency.NORMAL, 24, START),))
    case = ready_case(personas)

    (plan,) = pathways.plan(member(personas.caseworker_a), case, pathway)

    assert plan.services == []
    assert "No service of another organization of the network meets “Childcare vouchers”" in plan.blocked[0]
    with pytest.raises(ValidationError) as refused:
        start(personas, pathway, case)
    assert "No step can be referred now" in str(refused.value)
    assert _counts() == (0, 0, 0)


def test_it_never_proposes_a_service_of_the_caseworkers_own_organization(personas):
    from caseway.directory.tests.factories import ServiceFactory

    ServiceFactory(organization=personas.org_a, categories=["health.cmr"])
    b_services(personas)
    pathway = a_pathway(personas)

    plans = pathways.plan(member(personas.caseworker_a), ready_case(personas), pathway)

    assert {service.organization_id for plan in plans for service in plan.services} == {personas.org_b.pk}


def test_it_proposes_first_a_service_the_client_may_be_referred_to(personas):
    outsider = outsider_training(personas)
    from caseway.directory.tests.factories import ServiceFactory

    # Alphabetically first, but no consent or agreement with its organization.
    ServiceFactory(organization=outsider.organization, name="AAA clinic", categories=["health.cmr"])
    services = b_services(personas)
    pathway = a_pathway(personas, steps=(CRSV_STEPS[0],))

    (plan,) = pathways.plan(member(personas.caseworker_a), ready_case(personas), pathway)

    assert len(plan.services) == 2
    assert plan.service == services["health.cmr"]


def test_it_shares_by_default_only_what_the_client_agreed_and_the_agreement_covers(personas):
    b_services(personas)
    pathway = a_pathway(personas, steps=(CRSV_STEPS[0],))
    case = ready_case(personas, categories=(DataCategory.IDENTITY, DataCategory.HEALTH, DataCategory.NEEDS))
    # The agreement in force covers every category; a second sharing answer refuses health.
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.HEALTH],
        granted=False,
    )

    run = start(personas, pathway, case)

    assert run.referrals.get().categories == [DataCategory.IDENTITY, DataCategory.NEEDS]


def test_it_refuses_a_chosen_category_the_client_did_not_agree_to_share_and_writes_nothing(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)

    with pytest.raises(ValidationError) as refused:
        start(personas, pathway, case, choices={2: StepChoice(categories=[DataCategory.IDENTITY, DataCategory.HEALTH])})

    assert "has not agreed to share this information with Beta Legal Aid: Health" in " ".join(
        refused.value.message_dict["step_2"]
    )
    assert _counts() == (0, 0, 0)


def test_it_rolls_back_the_steps_already_sent_when_a_later_one_is_refused(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    audited = AuditEvent.objects.count()

    # The third referral's reason is longer than a referral takes: referral_create refuses it
    # after the first two referrals were created and sent.
    with pytest.raises(ValidationError) as refused:
        start(personas, pathway, case, choices={3: StepChoice(reason="x" * 5000)})

    assert "step_3" in refused.value.message_dict
    assert _counts() == (0, 0, 0)
    assert AuditEvent.objects.count() == audited


def test_it_refers_only_the_steps_chosen(personas):
    b_services(personas)
    pathway = a_pathway(personas)

    run = start(personas, pathway, ready_case(personas), choices={2: StepChoice(include=False)})

    assert sorted(run.referrals.values_list("pathway_step__order", flat=True)) == [1, 3]


def test_it_refuses_a_blocked_step_chosen_anyway(personas):
    b_services(personas)
    outsider = outsider_training(personas)
    pathway = a_pathway(personas, steps=(CRSV_STEPS[0], ("livelihoods.vocational_training", Urgency.NORMAL, 96, START)))

    with pytest.raises(ValidationError) as refused:
        start(personas, pathway, ready_case(personas), choices={2: StepChoice(service=outsider, include=True)})

    assert "No data-sharing agreement" in " ".join(refused.value.message_dict["step_2"])
    assert _counts() == (0, 0, 0)


def test_it_refuses_a_service_that_does_not_meet_the_step(personas):
    services = b_services(personas)
    pathway = a_pathway(personas)

    with pytest.raises(ValidationError) as refused:
        start(personas, pathway, ready_case(personas), choices={1: StepChoice(service=services["legal.counselling"])})

    assert refused.value.message_dict["step_1"] == ["Choose one of the services listed for this step."]


def test_it_starts_a_pathway_once_until_it_is_ended(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    run = start(personas, pathway, case)

    with pytest.raises(ValidationError, match="already under way"):
        start(personas, pathway, case)

    caseworker = member(personas.caseworker_a)
    pathways.pathway_run_end(actor=caseworker.user, membership=caseworker, run=run)
    again = start(personas, pathway, case, choices={step: StepChoice(include=False) for step in (2, 3)})
    assert again.pk != run.pk
    assert Referral.objects.filter(status=Status.SENT).count() == 4


def test_it_refuses_a_closed_case_and_a_pathway_no_longer_in_use(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)

    with pytest.raises(ValidationError, match="This case is closed"):
        start(personas, pathway, case)

    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.OPEN)
    type(pathway).objects.filter(pk=pathway.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        start(personas, pathway, case)
    assert _counts() == (0, 0, 0)


def test_it_refuses_another_organizations_case_and_roles_without_personal_data(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    case = ready_case(personas)

    with pytest.raises(Http404):
        start(personas, pathway, case, by=member(personas.outsider))
    with pytest.raises(Http404):
        start(personas, pathway, case, by=member(personas.caseworker_b))
    for name in ("admin_a", "coordinator", "monitor_a", "donor"):
        with pytest.raises(PermissionDenied):
            start(personas, pathway, case, by=member(getattr(personas, name)))
    assert _counts() == (0, 0, 0)


def test_it_takes_no_consent_override_from_a_supervisor(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b)

    with pytest.raises(ValidationError) as refused:
        start(personas, pathway, case, by=member(personas.supervisor_a))

    assert "No step can be referred now" in str(refused.value)
    assert _counts() == (0, 0, 0)
