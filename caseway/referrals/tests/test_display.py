"""referrals.display: the package in words, per section, only the sections given."""

from django.utils import translation

from caseway.referrals import display

PACKAGE = {
    "client": {
        "code": "4H44V-TPD95",
        "sex": "female",
        "age_band": "25-59",
        "area": {"pcode": "XA0101", "name": "District 1"},
        "displacement_status": "idp",
        "has_disability": True,
        "languages": ["ar", "ku"],
        "children_count": 2,
        "children_ages": [3, 7],
        "cares_for_children": True,
        "cares_for_others": False,
    },
    "sections": {
        "contact": {
            "phone": "+999 700",
            "address": None,
            "preferences": {"agreed": True, "methods": ["sms"], "safe_times": "mornings"},
        },
        "risk": {
            "risk_level": "high",
            "safety_plan_required": True,
            "safety_plan_exists": False,
            "incidents": [
                {
                    "incident_type": "rape",
                    "incident_date": "2026-11-20",
                    "within_72_hours": True,
                    "perpetrator_type": "armed_group",
                },
                {"incident_type": "unknown_code", "incident_date": None, "perpetrator_type": "unknown"},
            ],
            "assessments": [
                {
                    "instrument": "risk",
                    "stage": "baseline",
                    "assessed_at": "2026-11-21T10:00:00",
                    "score": "7",
                    "band": "high",
                    "flags": ["imminent"],
                }
            ],
        },
        "needs": {"needs": [{"domain": "legal", "priority": "high"}], "assessments": []},
    },
}


def test_it_words_the_client_record():
    rows = {label: value for label, value, _ltr in display.client_rows(PACKAGE["client"])}

    assert rows["Client code"] == "4H44V-TPD95"
    assert rows["Displacement"] == "Internally displaced"
    assert rows["Disability"] == "Yes"
    assert rows["Languages"] == "ar, ku"
    assert rows["Ages of the children"] == "3, 7"
    assert rows["Caregiving"] == "Cares for children"


def test_it_gives_the_sections_in_the_categories_order_with_words_for_codes():
    sections = display.sections(PACKAGE)

    assert [section["category"] for section in sections] == ["contact", "needs", "risk"]
    contact = {label: value for label, value, _ltr in sections[0]["rows"]}
    assert contact == {"Phone": "+999 700", "Safe ways to contact": "SMS", "Safe times": "mornings"}
    assert sections[1]["rows"] == [("Legal", "High", False)]
    risk = [value for _label, value, _ltr in sections[2]["rows"]]
    assert risk[0] == "High"
    assert "Rape · 2026-11-20 · Member of an armed force or group · within 72 hours" in risk
    assert "unknown_code · Not known" in risk
    assert "Baseline · 2026-11-21 · score 7 · high · imminent" in risk


def test_it_says_when_the_client_does_not_want_contact():
    sections = display.sections({"sections": {"contact": {"preferences": {"agreed": False}}}})

    assert sections[0]["rows"] == [("Contact", "The client does not want to be contacted.", False)]


def test_it_translates():
    with translation.override("fr"):
        rows = display.client_rows(PACKAGE["client"])

    assert rows[1][1] == "Femme"


def test_it_shows_nothing_of_nothing():
    assert display.sections(None) == []
    assert display.client_rows(None) == []
