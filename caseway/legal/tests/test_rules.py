"""Deadline rules as data: the real ones shipped, each citing its source, computed in their forum's calendar."""

import datetime

import pytest

from caseway.legal.models import CourtClosure, DeadlineRule, Jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_shipped_rules_cite_their_sources():
    rules = {rule.code: rule for rule in DeadlineRule.objects.select_related("jurisdiction")}
    assert set(rules) == {"echr-application-4-months", "echr-application-6-months", "iachr-petition-6-months"}
    assert "Protocol No. 15" in rules["echr-application-4-months"].source
    assert "Article 46(1)(b)" in rules["iachr-petition-6-months"].source
    assert all(rule.source.strip() for rule in rules.values())


def test_the_echr_rule_depends_on_the_date_of_the_final_decision():
    four = DeadlineRule.objects.get(code="echr-application-4-months")
    six = DeadlineRule.objects.get(code="echr-application-6-months")
    assert four.applies_to(D(2022, 2, 1)) and not six.applies_to(D(2022, 2, 1))
    assert six.applies_to(D(2022, 1, 31)) and not four.applies_to(D(2022, 1, 31))
    # 14 March 2025 + 4 months = Monday 14 July 2025.
    assert four.due_date(D(2025, 3, 14)) == D(2025, 7, 14)
    # 5 June 2025 + 4 months = Sunday 5 October 2025: not extended, so Friday 3 October.
    assert four.due_date(D(2025, 6, 5)) == D(2025, 10, 3)


def test_a_closure_entered_by_users_moves_the_deadline():
    rule = DeadlineRule.objects.get(code="iachr-petition-6-months")
    assert rule.due_date(D(2025, 1, 15)) == D(2025, 7, 15)
    CourtClosure.objects.create(jurisdiction=rule.jurisdiction, day=D(2025, 7, 15), note="Recess")
    assert rule.due_date(D(2025, 1, 15)) == D(2025, 7, 14)


def test_a_national_forum_keeps_its_countrys_public_holidays_and_weekend():
    court = Jurisdiction.objects.create(
        code="fr-tribunal",
        name="Fictional tribunal",
        country="FR",
        forum="national_court",
        non_working_weekdays=[5, 6],
        holiday_country="FR",
    )
    rule = DeadlineRule.objects.create(
        code="fr-appeal",
        jurisdiction=court,
        trigger="judgment_served",
        name="Appeal",
        offset=1,
        unit="working_days",
        roll="forward",
        source="Fictional rule for a test.",
    )
    assert rule.due_date(D(2026, 7, 13)) == D(2026, 7, 15)  # 14 July is a holiday
