"""The demo legal work (manage.py seed_demo): matters in several forums worked by two organizations
together, deadlines met, open and overdue, a hearing to come, protected witnesses, remedies;
through the audited services, idempotent. Seeded once per worker (caseway/tests/shared_demo.py)."""

import pytest
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients.models import Case
from caseway.legal import demo
from caseway.legal.models import (
    AssistanceRequest,
    CaseReview,
    CoCounsel,
    Deadline,
    DeadlineRule,
    EvidenceItem,
    LegalMatter,
    MatterEvent,
    Party,
    Remedy,
    ReviewActionItem,
)


@pytest.fixture(scope="module")
def seeded(demo_network):
    return demo_network


def _counts():
    return {model.__name__: model.objects.count() for model in (LegalMatter, MatterEvent, Deadline, Party, Remedy)}


def test_it_works_matters_in_several_forums_with_co_counsel(seeded, db):
    matters = LegalMatter.objects.select_related("jurisdiction", "lead_organization")
    assert {matter.lead_organization.acronym for matter in matters} == {"BLC", "SPI"}
    assert {matter.jurisdiction.forum for matter in matters} >= {
        "national_court",
        "regional_commission",
        "regional_court",
    }
    assert len({matter.jurisdiction.country for matter in matters}) >= 3  # XA, XB and international
    for matter in matters:
        assert CoCounsel.objects.filter(matter=matter).exists()
    demo_rules = DeadlineRule.objects.filter(jurisdiction__code__startswith="demo-")
    assert demo_rules.count() >= 6
    assert all(source.startswith(demo.FICTIONAL) for source in demo_rules.values_list("source", flat=True))


def test_it_shows_deadlines_met_open_and_overdue_and_a_hearing_to_come(seeded, db):
    today = timezone.localdate()
    assert Deadline.objects.filter(status="met").exists()
    assert Deadline.objects.filter(status="open", due_on__lt=today).exists()
    assert Deadline.objects.filter(status="open", due_on__gte=today).exists()
    assert MatterEvent.objects.filter(trigger="hearing_scheduled", occurred_on__gt=today).exists()
    assert LegalMatter.objects.exclude(outcome="").exists()
    assert Party.objects.exclude(protection_measures=[]).exists()
    assert Remedy.objects.filter(status="obtained").exists()


def test_it_shows_evidence_with_its_custody_a_case_review_and_assistance_requests(seeded, db):

    today = timezone.localdate()
    photos = EvidenceItem.objects.filter(kind="photo")
    assert photos.exists() and EvidenceItem.objects.filter(kind="physical").exists()
    for photo in photos:
        assert list(photo.custody.values_list("kind", flat=True)) == ["collection", "copy", "transfer"]
        assert photo.custodian_id != photo.matter.lead_organization_id
    review = CaseReview.objects.first()
    assert review.participants.values("organization").distinct().count() >= 2
    assert ReviewActionItem.objects.exclude(task=None).exists()
    assert AssistanceRequest.objects.filter(status="answered").exists()
    assert AssistanceRequest.objects.filter(status="sent", due_on__lt=today).exists()


def test_the_seeded_evidence_verifies(seeded, db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("evidence_verify", stdout=out)
    assert "0 with damage" in out.getvalue()


def test_it_wrote_everything_through_the_audited_services(seeded, db):
    assert AuditEvent.objects.filter(action="legal.matter_opened").count() == LegalMatter.objects.count()
    assert AuditEvent.objects.filter(action="legal.event_recorded").count() == MatterEvent.objects.count()


def test_seeding_again_adds_nothing(seeded, db):
    before = _counts()
    demo.seed({"organizations": {case.organization.acronym: case.organization for case in Case.objects.all()}})
    assert _counts() == before
