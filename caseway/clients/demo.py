"""The demo clients: 304 fictional survivors across the casework organizations of the demo network.

Everything here is invented: names are random combinations of common given and family names
(``demo_names.json``), phone numbers use +999 (not an assigned country code), areas and
countries are the directory's fictional ones. Donors and the coordination mission (CFR, RSM)
hold no client; the eight other organizations do.

Through the services
--------------------
Every record is written as a caseworker at a desk would write it: ``client_register`` (vault,
blind indexes, first case), ``case_assign``, ``consent_record`` / ``consent_revoke``,
``incidents.incident_record``, ``assessment_record`` (needs, disability, risk level, imminent-risk
and suicide-risk alerts, urgent health need), ``safety.safety_plan_save`` and ``alert_resolve``,
each acting as the organization's demo caseworker or supervisor, so the rules are checked (consent
by a caregiver under 12, the safety-plan gate...) and every write is in the audit chain.

The story's dates, not the seeding moment
-----------------------------------------
The services stamp records with the real time. The demo tells fourteen months of casework up to a
fixed moment, ``DEMO_NOW``: cases opened before it, consents recorded at intake, follow-up
assessments one to three months after the baseline. ``_Dates.write`` is the one place that writes
models directly: it moves each record's own date fields to the story's dates, and sets what no
service sets yet: case status (open, active, on hold, closure requested, closed) with the closing
and last-contact dates, consent expiries (the service accepts only a future expiry; the demo
needs some already expired), a safety plan's review date (the service wants one after the real
today) and the needs of closed cases as met. Audit events keep the real time they were written
at: they record the seeding, honestly.

"Within 72 hours" is about the story, not the clock: three rapes happened the day before
``DEMO_NOW`` and were reported a few hours before it, so their ``within_72_hours`` is true (a fact
about the report, ``gbvims.is_within_pep_window(incident, reported_at)``); the risk assessment
made at the report answered "violence in the last 72 hours", so ``assessment_record`` set the
case's urgent health need and gave the caseworker a post-exposure-prophylaxis task, due a day
after the report: it shows as overdue until someone marks it done, however long after
``DEMO_NOW`` the demo is seeded or browsed. ``incident_record`` itself decides its own PEP alert
against the real clock (is PEP still possible *now*?), so it raises none for these old reports.

Deterministic and idempotent
----------------------------
Every person is drawn from ``random.Random(SEED)`` in ``plan()`` (pure: no database), so every
run and machine plans the same people with the same answers. Client codes and row ids are random
(the services draw them), so a person already seeded is recognized the way the duplicate check
recognizes anyone: the blind index of their full name, within the organization (a client someone
else registered at that organization under the same name counts as the demo's). ``seed`` creates
only the planned people an organization does not have, one transaction per organization; a
second run reads two queries per organization and writes nothing.
"""

import datetime
import json
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from caseway.clients import incidents, indexing, safety
from caseway.clients.assessment_services import assessment_record
from caseway.clients.consent import consent_record, consent_revoke, wording_for
from caseway.clients.models import (
    AgeBand,
    Assessment,
    Case,
    CaseAlert,
    CaseStatus,
    Client,
    ClientIndex,
    Consent,
    ConsentPurpose,
    Need,
    RiskLevel,
    SafetyPlan,
    Sex,
)
from caseway.clients.records_services import alert_resolve, case_assign
from caseway.clients.services import client_register
from caseway.orgs.categories import DataCategory
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role

SEED = 20261102
DEMO_NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
TODAY = DEMO_NOW.date()
DEMO_DOMAIN = "demo.example.org"
NAMES_FILE = Path(__file__).resolve().parent / "demo_names.json"

# ---------------------------------------------------------------------------------------------
# Who works where

# acronym: (clients, share of women and girls, {district: weight}, programme profile)
ORGANIZATIONS = {
    "HWN": (
        75,
        1.0,
        {"XA0101": 6, "XA0102": 4, "XA0103": 3, "XA0201": 3, "XA0202": 2, "XA0301": 1, "XA0302": 1},
        "gbv",
    ),
    "SPI": (
        65,
        0.72,
        {"XA0101": 4, "XA0201": 3, "XA0301": 2, "XA0102": 1, "XB0101": 3, "XB0201": 3, "XB0301": 1, "XB0202": 1},
        "protection",
    ),
    "RHC": (42, 0.8, {"XA0101": 5, "XA0102": 2, "XA0202": 2, "XA0302": 2}, "health"),
    "MSA": (
        28,
        0.55,
        {"XA0101": 2, "XA0102": 1, "XA0103": 1, "XA0201": 2, "XA0202": 1, "XA0301": 1, "XA0302": 2},
        "safety_net",
    ),
    "BLC": (24, 0.6, {"XB0101": 5, "XB0102": 1, "XB0201": 2, "XB0302": 1}, "legal"),
    "HCC": (32, 0.7, {"XB0102": 4, "XB0103": 3, "XB0301": 1, "XB0201": 1, "XB0101": 1, "XB0302": 1}, "community"),
    "UFR": (24, 0.65, {"XB0301": 3, "XB0201": 3, "XB0302": 2, "XB0202": 1}, "relief"),
    "GVC": (14, 0.6, {"XB0101": 3, "XB0102": 2, "XB0201": 1, "XB0302": 1}, "livelihoods"),
}
# Partners a client may agree to share with or be referred to: casework organizations of the
# same country, and SPI, which works in both.
PARTNERS = {"XA": ("HWN", "SPI", "RHC", "MSA"), "XB": ("SPI", "BLC", "HCC", "UFR", "GVC")}
# What each kind of partner is usually given.
SHARED_WITH = {
    "HWN": (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS, DataCategory.RISK),
    "SPI": (DataCategory.IDENTITY, DataCategory.NEEDS, DataCategory.RISK, DataCategory.LEGAL),
    "RHC": (DataCategory.IDENTITY, DataCategory.HEALTH, DataCategory.NEEDS),
    "MSA": (DataCategory.IDENTITY, DataCategory.DOCUMENTS, DataCategory.NEEDS),
    "BLC": (DataCategory.IDENTITY, DataCategory.LEGAL, DataCategory.DOCUMENTS),
    "HCC": (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS),
    "UFR": (DataCategory.IDENTITY, DataCategory.NEEDS),
    "GVC": (DataCategory.IDENTITY, DataCategory.CONTACT),
}
# Organizations whose staff include a supervisor (imminent-risk cases need one to be alerted).
SUPERVISED = frozenset({"HWN", "SPI", "RHC", "BLC", "HCC"})
# Shares of clients whose case is sensitive (sexual or gender-based violence) from the start, of
# clients represented by a lawyer, and of clients with PHQ-9/WHO-5 (and mostly GAD-7) scores.
SENSITIVE_SHARE = {"gbv": 0.22, "health": 0.22, "protection": 0.1, "legal": 0.1, "community": 0.1}
LEGAL_REPRESENTATION_SHARE = {"BLC": 0.8, "SPI": 0.15}
MHPSS_SHARE = {"gbv": 0.45, "protection": 0.35, "health": 0.4, "community": 0.3, "relief": 0.1}

# ---------------------------------------------------------------------------------------------
# Places and languages

# Languages spoken as a first language in each region (admin-1), with weights; an official
# language of the country is often spoken as well.
REGION_LANGUAGES = {
    "XA01": {"ar": 5, "ha": 4, "fr": 1},
    "XA02": {"fr": 4, "ff": 4, "ar": 2},
    "XA03": {"ar": 4, "ha": 3, "fr": 3},
    "XB01": {"en": 4, "ti": 4, "ar": 2},
    "XB02": {"so": 5, "ar": 4, "en": 1},
    "XB03": {"so": 4, "en": 3, "ar": 3},
}
OFFICIAL_LANGUAGES = {"XA": ("ar", "fr"), "XB": ("en", "ar")}
# Consent wordings ship in en/fr/ar/es; a client speaking another language hears the country's
# official wording through an interpreter.
WORDING_DEFAULT = {"XA": "fr", "XB": "en"}
NATIONALITY = {"XA": "Aldorian", "XB": "Belmaran"}
OTHER_COUNTRY = {"XA": "XB", "XB": "XA"}
# Refugees in Belmara mostly come from Aldoria and speak its languages.
REFUGEE_LANGUAGES = {"XA": {"ti": 1, "so": 1}, "XB": {"ha": 2, "ff": 2, "fr": 1}}
PHONE_PREFIX = {"XA": "17", "XB": "27"}
DISTRICT_NAMES = {
    "XA0101": "Riverbend",
    "XA0102": "Quillmarsh",
    "XA0103": "Larkspire",
    "XA0201": "Copperfen",
    "XA0202": "Glimmerbrook",
    "XA0301": "Wrenfold",
    "XA0302": "Brightmoss",
    "XB0101": "Ferncrest",
    "XB0102": "Glimmerford",
    "XB0103": "Oakrill",
    "XB0201": "Stonequill",
    "XB0202": "Cindervale",
    "XB0301": "Lanternbay",
    "XB0302": "Reedwhistle",
}
DISPLACEMENT = {
    "XA": {"idp": 40, "resident": 30, "returnee": 18, "refugee": 4, "unknown": 6, "stateless": 2},
    "XB": {"refugee": 30, "asylum_seeker": 8, "idp": 20, "resident": 30, "returnee": 7, "unknown": 3, "stateless": 2},
}
SAFE_TIMES = (
    "Weekdays 10:00–12:00",
    "After 17:00; send an SMS first",
    "Mornings only, when alone at home",
    "Tuesdays and Thursdays 14:00–16:00",
    "Any time, by SMS only",
    "Weekends only",
    "Not on Fridays",
)
CAREGIVERS = ("mother", "aunt", "grandmother", "father", "older sister", "foster mother")
WARNING_SIGNS = (
    "He calls several times an hour; relatives ask where she sleeps.",
    "Men from the group were seen near the water point.",
    "Threats sent by message after each court date.",
    "Being asked about the children's school by strangers.",
)
SAFE_PLACES = (
    "Women's centre during opening hours; a trusted neighbour's house at night.",
    "The health centre waiting room; the church hall.",
    "The caseworker's office; her sister's house in another district.",
    "The market women's association room.",
)
CODE_WORDS = ("blue basket", "sweet tea", "the goat is sick", "rain tomorrow", "green scarf", "old radio")
# safety.DIGITAL_SAFETY_CODES, gone through with the client (location sharing always).
DIGITAL_SAFETY = ("shared_phone", "social_media", "passwords", "call_log")
TRUSTED_RELATIONS = ("sister", "neighbour", "cousin", "friend from the market", "aunt", "church volunteer")

# ---------------------------------------------------------------------------------------------
# Instruments (answers as option values; see the JSON definitions in instruments/)

NEED_DOMAINS = (
    "safety",
    "health",
    "mental_health",
    "legal",
    "housing",
    "childcare",
    "education",
    "livelihoods",
    "civil_documentation",
    "basic_needs",
)
WG_DOMAINS = ("seeing", "hearing", "walking", "cognition", "self_care", "communication")
RISK_ITEMS = (
    "perpetrator_access",
    "threats_to_kill",
    "weapon",
    "strangulation",
    "escalation",
    "fears_for_life",
    "fears_killed_tonight",
    "children_at_risk",
    "no_safe_place_tonight",
    "recent_violence_72h",
    "suicidal_thoughts",
)
# Each risk level as a set of "yes" answers that scores into it (risk.v1: weights and overrides).
RISK_PATTERNS = {
    "low": ((), ("escalation",), ("perpetrator_access",), ("fears_for_life",), ("escalation", "fears_for_life")),
    "medium": (
        ("perpetrator_access", "escalation", "fears_for_life"),
        ("perpetrator_access", "escalation", "children_at_risk"),
        ("threats_to_kill", "escalation", "fears_for_life"),
        ("perpetrator_access", "no_safe_place_tonight", "fears_for_life", "escalation"),
    ),
    "high": (
        ("threats_to_kill", "weapon", "perpetrator_access", "escalation"),
        ("strangulation", "escalation", "fears_for_life", "perpetrator_access"),
        ("threats_to_kill", "weapon", "fears_for_life", "children_at_risk", "escalation"),
    ),
    "imminent": (
        ("fears_killed_tonight", "threats_to_kill", "perpetrator_access", "escalation", "fears_for_life"),
        ("threats_to_kill", "perpetrator_access", "no_safe_place_tonight", "weapon", "fears_for_life"),
    ),
}

# ---------------------------------------------------------------------------------------------
# The plan: pure data, drawn once from the seed


@dataclass
class ConsentPlan:
    purpose: str
    granted: bool = True
    recipient: str = ""  # acronym of the partner organization, for referral and sharing
    categories: tuple = ()
    contact_methods: tuple = ()
    safe_times: str = ""
    day: int = 0  # days after the case was opened
    expires_after: int | None = None  # days after it was recorded (before DEMO_NOW: already expired)
    revoked_after: int | None = None  # days after it was recorded


@dataclass
class AssessmentPlan:
    code: str
    answers: dict
    day: int  # days after the case was opened
    stage: str = Assessment.Stage.BASELINE
    at: datetime.datetime | None = None  # an exact moment instead (the risk assessed at a report)


@dataclass
class IncidentPlan:
    answers: dict
    contexts: tuple
    perpetrator: str
    incident_date: datetime.date | None
    reported_at: datetime.datetime


@dataclass
class SafetyPlanPlan:
    trusted_contacts: list
    safe_places: str
    warning_signs: str
    code_word: str
    digital_safety: list
    review_date: datetime.date
    day: int


@dataclass
class Person:
    key: str
    organization: str
    district: str
    sex: str
    age: int
    values: dict  # client_register's values (admin_area added when seeding)
    # Every name, phone number and address of the person and their trusted contacts, as typed: none
    # may appear in clear in the database (test_demo reads the raw rows and the file's bytes).
    identifiers: tuple
    sensitive: bool = False
    opened: datetime.datetime = DEMO_NOW
    status: str = CaseStatus.ACTIVE
    closed: datetime.datetime | None = None
    last_contact: datetime.datetime | None = None
    assignment: str = "caseworker"  # or "unassigned"
    supervisor_slot: int = 0
    interpreter: str = ""
    wording_language: str = "en"
    given_by: str = Consent.GivenBy.CLIENT
    caregiver: str = ""
    method: str = Consent.Method.VERBAL
    witnessed: bool = False
    consents: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    incident: IncidentPlan | None = None
    safety_plan: SafetyPlanPlan | None = None
    imminent: bool = False


@cache
def _names() -> dict:
    return json.loads(NAMES_FILE.read_text(encoding="utf-8"))


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


class _Planner:
    """Draws every person in a fixed order from one ``random.Random``."""

    def __init__(self):
        self.rng = random.Random(SEED)
        self.name_keys: set[str] = set()
        self.phones: set[str] = set()
        self.avoid = {entry.casefold() for entry in _names()["avoid"]}

    # --- identity ---------------------------------------------------------------------------

    def _name(self, language: str, sex: str) -> tuple[str, str, list[str]]:
        group = _names()["groups"][language]
        pool = group["male"] if sex == Sex.MALE else group["female"]
        for _attempt in range(200):
            given, family = self.rng.choice(pool), self.rng.choice(group["family"])
            given_text, given_latin = given if isinstance(given, list) else (given, "")
            family_text, family_latin = family if isinstance(family, list) else (family, "")
            key = indexing.full_name_key(given_text, family_text)
            latin = f"{given_latin} {family_latin}".strip()
            if (
                key in self.name_keys
                or f"{given_latin or given_text} {family_latin or family_text}".casefold() in self.avoid
            ):
                continue
            aliases = []
            if latin and self.rng.random() < 0.45:
                aliases.append(latin)  # the Latin spelling on a refugee card or a phone contact
            elif not latin and self.rng.random() < 0.12:
                other = self.rng.choice([name for name in group["family"] if name != family])
                aliases.append(f"{given_text} {other}")  # a maiden or father's name
            alias_keys = {indexing.full_name_key(alias) for alias in aliases}
            if alias_keys & (self.name_keys | {key}):
                continue
            self.name_keys.add(key)
            self.name_keys |= alias_keys
            return given_text, family_text, aliases
        raise RuntimeError(f"Ran out of fictional {language} names: add some to demo_names.json.")

    def _phone(self, country: str) -> str:
        while True:
            number = f"{PHONE_PREFIX[country]}{self.rng.randint(0, 9)}{self.rng.randint(0, 999999):06d}"
            if number[-8:] not in self.phones:
                self.phones.add(number[-8:])
                break
        if self.rng.random() < 0.2:
            return f"0{number[:3]} {number[3:6]} {number[6:]}"  # written the local way
        return f"+999 {number[:3]} {number[3:6]} {number[6:]}"

    def _birth(self, age: int) -> tuple[str | None, bool]:
        roll = self.rng.random()
        if roll < 0.68:
            # A birthday within the year before the age was reached: ``age`` years old on TODAY.
            born = TODAY.replace(year=TODAY.year - age - 1) + datetime.timedelta(days=self.rng.randint(1, 364))
            return born.isoformat(), False
        if roll < 0.9:
            return TODAY.replace(year=TODAY.year - age, month=1, day=1).isoformat(), True  # "about 35"
        return None, False

    def _age(self, organization: str) -> int:
        roll = self.rng.random()
        if organization == "GVC":
            return self.rng.randint(18, 55)
        if roll < 0.02 and organization in {"SPI", "MSA", "HCC"}:
            return self.rng.randint(7, 11)
        if roll < 0.10 and organization != "BLC":
            return self.rng.randint(13, 17)
        if roll < 0.32:
            return self.rng.randint(18, 24)
        if roll < 0.94:
            return self.rng.randint(25, 59)
        return self.rng.randint(60, 78)

    def _children(self, age: int, sex: str) -> list[int]:
        if age < 16:
            return []
        chance = 0.05 if age < 18 else 0.68 if sex == Sex.FEMALE else 0.45
        if self.rng.random() >= chance:
            return []
        count = 1 if age < 20 else self.rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
        oldest = min(17, age - 15)
        return sorted((self.rng.randint(0, oldest) for _ in range(count)), reverse=True)

    def _documents(self, displacement: str) -> list[str]:
        documents = []
        if displacement in {"refugee", "asylum_seeker"} and self.rng.random() < 0.7:
            documents.append("refugee_card")
        if self.rng.random() < 0.45:
            documents.append("national_id")
        if self.rng.random() < 0.2:
            documents.append("birth_certificate")
        if self.rng.random() < 0.05:
            documents.append("passport")
        if self.rng.random() < 0.08:
            documents.append("marriage_certificate")
        return documents

    # --- one person -------------------------------------------------------------------------

    def person(self, organization: str, number: int) -> Person:
        rng = self.rng
        _count, female_share, districts, profile = ORGANIZATIONS[organization]
        district = _weighted(rng, districts)
        country = district[:2]
        roll = rng.random()
        if roll < female_share:
            sex = Sex.FEMALE
        elif roll < 0.99 or organization == "GVC":
            sex = Sex.MALE
        else:
            sex = Sex.UNDISCLOSED
        age = self._age(organization)
        displacement = _weighted(rng, DISPLACEMENT[country])
        if displacement in {"refugee", "asylum_seeker"}:
            first = _weighted(rng, REFUGEE_LANGUAGES[country])
        else:
            first = _weighted(rng, REGION_LANGUAGES[district[:4]])
        languages = [first]
        for official in OFFICIAL_LANGUAGES[country]:
            if official != first and rng.random() < 0.45:
                languages.append(official)
        given, family, aliases = self._name(first, sex)
        birth_date, estimated = self._birth(age)
        children = self._children(age, sex)
        values = {
            "sex": sex,
            "age_band": AgeBand.for_age(age).value,
            "displacement_status": displacement,
            "languages": languages,
            "given_name": given,
            "family_name": family,
            "children_count": len(children) if age >= 16 else None,
            "children_ages": children,
            "cares_for_children": bool(children) or (age >= 18 and rng.random() < 0.06),
            "cares_for_others": age >= 18 and rng.random() < 0.12,
        }
        if aliases:
            values["aliases"] = aliases
        if birth_date:
            values["birth_date"] = birth_date
            values["birth_date_is_estimated"] = estimated
        identifiers = [f"{given} {family}", *aliases]
        if rng.random() < 0.65 and age >= 12:
            values["phone"] = self._phone(country)
            identifiers.append(values["phone"])
        if rng.random() < 0.35:
            place = DISTRICT_NAMES[district]
            values["address"] = (
                f"{place} camp, sector {rng.randint(1, 9)}, shelter {rng.randint(10, 399)}"
                if displacement == "idp"
                else f"House {rng.randint(1, 90)}, block {rng.choice('ABCDEFG')}, {place}"
            )
            identifiers.append(values["address"])
        if displacement == "refugee" or displacement == "asylum_seeker":
            values["nationality"] = NATIONALITY[OTHER_COUNTRY[country]]
        elif displacement != "stateless" and rng.random() < 0.7:
            values["nationality"] = NATIONALITY[country]
        documents = self._documents(displacement)
        if documents:
            values["documents_held"] = documents

        person = Person(
            key=f"{organization}-{number:03d}",
            organization=organization,
            district=district,
            sex=sex,
            age=age,
            values=values,
            identifiers=tuple(identifiers),
        )
        person.sensitive = rng.random() < SENSITIVE_SHARE.get(profile, 0)
        self._case_story(person)
        self._consent_giver(person, first, country)
        self._consents(person, country)
        self._assessments(person, profile)
        return person

    def _case_story(self, person: Person) -> None:
        rng = self.rng
        # One case in six opened in the last three weeks; the others over the 14 months before.
        opened_days = rng.randint(0, 20) if rng.random() < 0.16 else int(rng.triangular(21, 420, 90))
        person.opened = DEMO_NOW - datetime.timedelta(
            days=opened_days, hours=rng.randint(0, 8), minutes=rng.randint(0, 59)
        )
        if opened_days < 21:
            statuses = {CaseStatus.OPEN: 70, CaseStatus.ACTIVE: 30}
        elif opened_days < 90:
            statuses = {CaseStatus.ACTIVE: 86, CaseStatus.ON_HOLD: 12, CaseStatus.CLOSURE_REQUESTED: 2}
        else:
            statuses = {
                CaseStatus.ACTIVE: 56,
                CaseStatus.ON_HOLD: 12,
                CaseStatus.CLOSURE_REQUESTED: 4,
                CaseStatus.CLOSED: 28,
            }
        person.status = _weighted(rng, statuses)
        if person.status == CaseStatus.CLOSED:
            person.closed = person.opened + datetime.timedelta(days=rng.randint(45, opened_days - 5))
        if person.status == CaseStatus.CLOSED:
            person.last_contact = person.closed
        elif person.status != CaseStatus.OPEN or rng.random() < 0.5:
            last = rng.randint(0, min(opened_days, 45))
            person.last_contact = max(person.opened, DEMO_NOW - datetime.timedelta(days=last, hours=rng.randint(1, 6)))
        if person.organization in SUPERVISED and person.status == CaseStatus.OPEN and rng.random() < 0.35:
            person.assignment = "unassigned"  # waiting for a supervisor to assign it
        person.supervisor_slot = rng.randint(0, 1)

    def _consent_giver(self, person: Person, first: str, country: str) -> None:
        rng = self.rng
        if person.age < 12 or (person.age < 18 and rng.random() < 0.5):
            person.given_by = Consent.GivenBy.CAREGIVER
            person.caregiver = rng.choice(CAREGIVERS)
        person.method = rng.choices(
            (Consent.Method.VERBAL, Consent.Method.WRITTEN, Consent.Method.THUMBPRINT), weights=(55, 30, 15)
        )[0]
        person.witnessed = person.method != Consent.Method.WRITTEN and rng.random() < 0.6
        if first in {"en", "fr", "ar"}:
            person.wording_language = first
        else:
            person.wording_language = WORDING_DEFAULT[country]
            if rng.random() < 0.8:
                person.interpreter = first

    def _consents(self, person: Person, country: str) -> None:
        rng = self.rng
        plans = [ConsentPlan(ConsentPurpose.SERVICES)]
        plans.append(ConsentPlan(ConsentPurpose.STATISTICS, granted=rng.random() < 0.88))
        roll = rng.random() if "phone" in person.values else 1 + rng.random()
        if roll < 0.7:
            methods = rng.choices((("sms",), ("phone",), ("phone", "sms"), ("email", "sms")), weights=(40, 35, 20, 5))[
                0
            ]
            plans.append(
                ConsentPlan(ConsentPurpose.CONTACT, contact_methods=methods, safe_times=rng.choice(SAFE_TIMES))
            )
        elif roll < 0.82 or 1 <= roll < 1.1:  # "do not contact me", with or without a phone
            plans.append(ConsentPlan(ConsentPurpose.CONTACT, granted=False, contact_methods=("none",)))
        partners = [acronym for acronym in PARTNERS[country] if acronym != person.organization]
        roll = rng.random()
        if roll < 0.35:
            for recipient in rng.sample(partners, k=min(len(partners), rng.choice((1, 1, 2)))):
                kinds = SHARED_WITH[recipient]
                categories = tuple(sorted(rng.sample(kinds, k=rng.randint(max(1, len(kinds) - 2), len(kinds)))))
                expires = 730 if rng.random() < 0.3 else None
                plans.append(
                    ConsentPlan(
                        ConsentPurpose.SHARING,
                        recipient=recipient,
                        categories=categories,
                        day=rng.choice((0, 0, rng.randint(1, 30))),
                        expires_after=expires,
                    )
                )
        elif roll < 0.43:
            plans.append(ConsentPlan(ConsentPurpose.SHARING, granted=False, recipient=rng.choice(partners)))
        if rng.random() < 0.2:
            plans.append(ConsentPlan(ConsentPurpose.REFERRAL, recipient=rng.choice(partners), day=rng.randint(0, 20)))
        if rng.random() < LEGAL_REPRESENTATION_SHARE.get(person.organization, 0):
            plans.append(ConsentPlan(ConsentPurpose.LEGAL_REPRESENTATION, day=rng.randint(0, 10)))
        if person.age >= 18 and "phone" in person.values and rng.random() < 0.12:
            plans.append(ConsentPlan(ConsentPurpose.PORTAL, day=rng.randint(0, 15)))
        opened_days = (DEMO_NOW - person.opened).days
        for plan in plans:
            plan.day = min(plan.day, opened_days)
        person.consents = plans

    def _needs(self, person: Person, profile: str) -> dict:
        rng = self.rng
        values = person.values
        displaced = values["displacement_status"] in {"idp", "refugee", "asylum_seeker", "returnee"}
        young_children = any(age < 6 for age in values["children_ages"])
        chance = {
            "safety": 0.8 if person.sensitive else 0.3,
            "health": 0.75 if profile == "health" else 0.4,
            "mental_health": 0.6 if profile in {"gbv", "health", "protection"} else 0.3,
            "legal": 0.85 if profile == "legal" else 0.3,
            "housing": 0.55 if displaced else 0.2,
            "childcare": 0.7 if young_children else 0.05,
            "education": 0.7 if person.age < 18 else 0.15,
            "livelihoods": 0.75 if 18 <= person.age < 60 else 0.2,
            "civil_documentation": 0.8 if not values.get("documents_held") else 0.15,
            "basic_needs": 0.6 if displaced else 0.3,
        }
        answers = {}
        for domain in NEED_DOMAINS:
            answers[domain] = rng.choices((1, 2, 3), weights=(3, 4, 3))[0] if rng.random() < chance[domain] else 0
        return answers

    def _wg_ss(self, disabled: bool) -> dict:
        rng = self.rng
        answers = {domain: 2 if rng.random() < 0.12 else 1 for domain in WG_DOMAINS}
        if disabled:
            for domain in rng.sample(WG_DOMAINS, k=rng.choice((1, 1, 1, 2))):
                answers[domain] = rng.choice((3, 3, 4))
        return answers

    def _risk(self, level: str, *, recent: bool = False, suicidal: bool = False) -> dict:
        yes = set(self.rng.choice(RISK_PATTERNS[level]))
        if recent:
            yes.add("recent_violence_72h")
        if suicidal:
            yes.add("suicidal_thoughts")
        return {item: int(item in yes) for item in RISK_ITEMS}

    def _scale(self, code: str, severity: float) -> dict:
        """Answers of PHQ-9, GAD-7 (0–3, higher is worse) or WHO-5 (0–5, higher is better)."""
        rng = self.rng
        if code == "who5":
            return {f"q{n}": max(0, min(5, round(5 * (1 - severity) + rng.uniform(-1, 1)))) for n in range(1, 6)}
        items = 9 if code == "phq9" else 7
        answers = {f"q{n}": max(0, min(3, round(3 * severity + rng.uniform(-0.9, 0.9)))) for n in range(1, items + 1)}
        if code == "phq9":
            answers["q9"] = 0  # item 9 is set on purpose only (suicide-risk protocol)
        answers["difficulty"] = max(0, min(3, round(3 * severity)))
        return answers

    def _assessments(self, person: Person, profile: str) -> None:
        rng = self.rng
        opened_days = (DEMO_NOW - person.opened).days
        # The last day work was done: a closed case has no follow-up after it was closed.
        last_day = (person.closed - person.opened).days if person.closed else opened_days - 1
        plans = []
        if rng.random() < 0.92:
            plans.append(AssessmentPlan("needs", self._needs(person, profile), day=0))
        disabled = rng.random() < (0.28 if person.age >= 60 else 0.12)
        if disabled or rng.random() < 0.8:
            plans.append(AssessmentPlan("wg_ss", self._wg_ss(disabled), day=min(opened_days, rng.choice((0, 0, 1, 7)))))
        if person.sensitive or rng.random() < 0.82:
            level = rng.choices(("low", "medium", "high"), weights=(55, 30, 15))[0]
            if person.sensitive and level == "low":
                level = "medium"
            plans.append(AssessmentPlan("risk", self._risk(level), day=0))
        chance = MHPSS_SHARE.get(profile, 0.05)
        if person.age >= 12 and rng.random() < chance:
            severity = rng.uniform(0.3, 0.85)
            baseline_day = min(opened_days, rng.choice((0, 3, 7, 14)))
            codes = ("phq9", "gad7", "who5") if rng.random() < 0.7 else ("phq9", "who5")
            for code in codes:
                plans.append(AssessmentPlan(code, self._scale(code, severity), day=baseline_day))
            follow_up_day = baseline_day + rng.randint(30, 92)
            if follow_up_day <= last_day and rng.random() < 0.8:
                roll = rng.random()
                change = rng.uniform(0.3, 0.6) if roll < 0.74 else 0 if roll < 0.87 else -rng.uniform(0.1, 0.25)
                later = min(0.95, max(0.0, severity - change))
                for code in codes:
                    plans.append(
                        AssessmentPlan(
                            code, self._scale(code, later), day=follow_up_day, stage=Assessment.Stage.FOLLOW_UP
                        )
                    )
        person.assessments = plans

    # --- the whole network ------------------------------------------------------------------

    def plan(self) -> list[Person]:
        people = []
        for organization, (count, *_rest) in ORGANIZATIONS.items():
            people += [self.person(organization, number) for number in range(1, count + 1)]
        self._special_cases(people)
        return people

    def _special_cases(self, people: list[Person]) -> None:
        """The few cases a demo must show: imminent risk, suicide risk, incidents, revocations, expiries."""
        rng = self.rng

        def candidates(condition):
            return [person for person in people if condition(person)]

        def ongoing(person):
            return person.status in {CaseStatus.OPEN, CaseStatus.ACTIVE} and person.assignment == "caseworker"

        # Imminent risk: eight adults in supervised organizations; half already have a safety plan.
        imminent = rng.sample(
            candidates(lambda p: ongoing(p) and p.organization in SUPERVISED and p.age >= 18 and p.sex == Sex.FEMALE),
            k=8,
        )
        for index, person in enumerate(imminent):
            person.imminent = True
            person.sensitive = person.sensitive or index % 2 == 0
            if index < 4:
                self._replace(person, AssessmentPlan("risk", self._risk("imminent"), day=0))
                person.safety_plan = self._safety_plan(person)
            else:
                # No plan yet: the case may not continue, so the imminent risk is its newest record.
                baselines = [a for a in person.assessments if a.stage == Assessment.Stage.BASELINE and a.code != "risk"]
                last_day = max((a.day for a in baselines), default=0)
                person.assessments = [*baselines, AssessmentPlan("risk", self._risk("imminent"), day=last_day)]

        # Suicide-risk protocol: three PHQ-9 baselines with item 9 above zero, one risk answer.
        with_phq9 = candidates(lambda p: ongoing(p) and not p.imminent and any(a.code == "phq9" for a in p.assessments))
        for person in rng.sample(with_phq9, k=3):
            baseline = next(a for a in person.assessments if a.code == "phq9")
            baseline.answers["q9"] = 1
        person = rng.choice(candidates(lambda p: ongoing(p) and not p.imminent and p.age >= 18 and not p.sensitive))
        self._replace(person, AssessmentPlan("risk", self._risk("medium", suicidal=True), day=0))

        # GBV incidents: CRSV, intimate-partner violence, forced marriage, trafficking; three of
        # them the day before DEMO_NOW (within 72 hours: urgent health need).
        sensitive = [p for p in people if p.sensitive and not p.imminent and p.sex == Sex.FEMALE]
        recent_pool = [p for p in sensitive if p.organization in {"RHC", "HWN"} and ongoing(p)]
        recent = rng.sample(recent_pool, k=3)
        others = rng.sample([p for p in sensitive if p not in recent], k=min(24, len(sensitive) - 3))
        for person in recent:
            self._incident(person, recent=True)
        for person in others:
            self._incident(person, recent=False)
        for person in imminent[:3]:
            self._incident(person, recent=False)

        # Consents: two sharing agreements withdrawn, three contact agreements already expired.
        def granted(person, purpose):
            return next((c for c in person.consents if c.purpose == purpose and c.granted), None)

        sharing = candidates(lambda p: (DEMO_NOW - p.opened).days > 60 and granted(p, ConsentPurpose.SHARING))
        for person in rng.sample(sharing, k=2):
            plan = granted(person, ConsentPurpose.SHARING)
            plan.revoked_after = rng.randint(10, (DEMO_NOW - person.opened).days - plan.day - 1)
            plan.expires_after = None
        # Agreed for six months at intake, more than six months ago, and not renewed.
        contact = candidates(lambda p: (DEMO_NOW - p.opened).days > 200 and granted(p, ConsentPurpose.CONTACT))
        for person in rng.sample(contact, k=3):
            granted(person, ConsentPurpose.CONTACT).expires_after = 180

    def _replace(self, person: Person, risk: AssessmentPlan) -> None:
        person.assessments = [a for a in person.assessments if a.code != "risk"] + [risk]

    def _incident(self, person: Person, *, recent: bool) -> None:
        rng = self.rng
        opened_at = person.opened
        if recent:
            reported = DEMO_NOW - datetime.timedelta(hours=rng.randint(1, 5))
            person.opened = min(opened_at, reported - datetime.timedelta(minutes=40))
            incident_date = TODAY - datetime.timedelta(days=1)
            contexts, perpetrator = rng.choice(
                ((("crsv",), "armed_group"), (("intimate_partner_violence",), "intimate_partner"))
            )
            answers = {"penetration": True}
            risk = self._risk("high", recent=True)
            at = reported + datetime.timedelta(minutes=20)
            self._replace(person, AssessmentPlan("risk", risk, day=(at - person.opened).days, at=at))
        else:
            reported = min(DEMO_NOW, opened_at + datetime.timedelta(hours=rng.randint(1, 48)))
            kind = rng.choices(("crsv", "ipv", "forced_marriage", "trafficking"), weights=(55, 30, 10, 5))[0]
            if kind == "crsv":
                contexts, perpetrator = ("crsv",), rng.choice(("armed_group", "armed_group", "security_forces"))
                answers = rng.choice(({"penetration": True}, {"penetration": False, "unwanted_sexual_contact": True}))
            elif kind == "ipv":
                contexts, perpetrator = ("intimate_partner_violence",), "intimate_partner"
                answers = rng.choice(
                    (
                        {"penetration": False, "unwanted_sexual_contact": False, "physical_assault": True},
                        {"penetration": True},
                        dict.fromkeys(
                            (
                                "penetration",
                                "unwanted_sexual_contact",
                                "physical_assault",
                                "forced_marriage",
                                "denial_of_resources",
                            ),
                            False,
                        )
                        | {"psychological_abuse": True},
                    )
                )
            elif kind == "forced_marriage":
                contexts = ("early_marriage",) if person.age < 18 else ()
                perpetrator = "family"
                answers = dict.fromkeys(("penetration", "unwanted_sexual_contact", "physical_assault"), False) | {
                    "forced_marriage": True
                }
            else:
                contexts, perpetrator = ("trafficking", "sexual_exploitation_abuse"), "known"
                answers = {"penetration": True}
            incident_date = (
                None if rng.random() < 0.1 else reported.date() - datetime.timedelta(days=rng.randint(20, 900))
            )
        person.sensitive = True
        person.incident = IncidentPlan(answers, contexts, perpetrator, incident_date, reported)

    def _safety_plan(self, person: Person) -> SafetyPlanPlan:
        rng = self.rng
        contacts = []
        for relation in rng.sample(TRUSTED_RELATIONS, k=rng.randint(1, 2)):
            given, family, _aliases = self._name(person.values["languages"][0], Sex.FEMALE)
            contacts.append(
                {"name": f"{given} {family}", "phone": self._phone(person.district[:2]), "relationship": relation}
            )
        person.identifiers = (
            *person.identifiers,
            *(contact[part] for contact in contacts for part in ("name", "phone")),
        )
        checked = [code for code in DIGITAL_SAFETY if rng.random() < 0.6]
        return SafetyPlanPlan(
            trusted_contacts=contacts,
            safe_places=rng.choice(SAFE_PLACES),
            warning_signs=rng.choice(WARNING_SIGNS),
            code_word=rng.choice(CODE_WORDS),
            digital_safety=["location_sharing", *checked],
            review_date=TODAY + datetime.timedelta(days=rng.choice((7, 14))),
            day=0,
        )


@cache
def plan() -> tuple[Person, ...]:
    """Every demo person, the same on every run and machine (no database needed)."""
    return tuple(_Planner().plan())


# ---------------------------------------------------------------------------------------------
# Seeding


@dataclass
class _Staff:
    caseworker: Membership
    supervisors: list  # memberships, possibly empty

    def supervisor(self, slot: int) -> Membership | None:
        return self.supervisors[slot % len(self.supervisors)] if self.supervisors else None


def _staff(organization) -> _Staff:
    members = list(
        Membership.objects.filter(organization=organization, is_active=True, user__email__endswith=DEMO_DOMAIN)
        .select_related("user", "organization")
        .order_by("user__email")
    )
    workers = [m for m in members if m.role == Role.CASEWORKER] or [m for m in members if m.role == Role.LEGAL_OFFICER]
    supervisors = [m for m in members if m.role == Role.SUPERVISOR]
    return _Staff(caseworker=workers[0], supervisors=supervisors)


def _existing(organization, people) -> dict[str, object]:
    """{person key: case id} of the planned people the organization already has (by blind index)."""
    digests = {
        indexing.digest(
            ClientIndex.Purpose.FULL_NAME,
            indexing.full_name_key(person.values["given_name"], person.values["family_name"]),
        ): person.key
        for person in people
    }
    rows = dict(
        ClientIndex.objects.filter(
            purpose=ClientIndex.Purpose.FULL_NAME,
            digest__in=list(digests),
            client__cases__organization=organization,
        ).values_list("client_id", "digest")
    )
    if not rows:
        return {}
    cases = Case.objects.filter(organization=organization, client_id__in=list(rows)).values_list("client_id", "id")
    return {digests[rows[client_id]]: case_id for client_id, case_id in cases}


class _Writer:
    """Creates one organization's missing people through the services, then dates the story."""

    def __init__(self, organization, organizations, areas):
        self.organization = organization
        self.organizations = organizations
        self.areas = areas
        self.staff = _staff(organization)
        self.wordings = {}
        self.dates = _Dates()

    def wording(self, purpose, language):
        if (purpose, language) not in self.wordings:
            self.wordings[purpose, language] = wording_for(purpose, language)
        return self.wordings[purpose, language]

    def create(self, person: Person) -> Case:
        staff = self.staff
        supervisor = staff.supervisor(person.supervisor_slot)
        unassigned = person.assignment == "unassigned" and supervisor is not None
        worker = supervisor if unassigned else staff.caseworker
        case = client_register(
            actor=worker.user,
            membership=worker,
            values={**person.values, "admin_area": self.areas[person.district]},
            caseworker=None if unassigned else staff.caseworker.user,
            sensitivity=Case.Sensitivity.SENSITIVE if person.sensitive else Case.Sensitivity.STANDARD,
        )
        if supervisor is not None:
            case_assign(
                actor=supervisor.user,
                membership=supervisor,
                case=case,
                caseworker=case.caseworker,
                supervisor=supervisor.user,
            )
        self.dates.cases[case.pk] = (case, person)
        self._consents(person, case, worker, supervisor)
        # The incident first: like any new work, it may not be recorded while a plan is required.
        if person.incident is not None:
            self._incident(person, case, worker)
        self._assessments(person, case, worker)
        if person.safety_plan is not None:
            self._safety_plan(person, case, worker, supervisor)
        return case

    def _consents(self, person, case, worker, supervisor):
        witness = supervisor.user if person.witnessed and supervisor is not None and supervisor != worker else None
        for plan in person.consents:
            consent = consent_record(
                actor=worker.user,
                membership=worker,
                client=case.client,
                purpose=plan.purpose,
                granted=plan.granted,
                recipient=self.organizations[plan.recipient] if plan.recipient else None,
                categories=plan.categories,
                contact_methods=plan.contact_methods,
                safe_times=plan.safe_times,
                given_by=person.given_by,
                caregiver_relationship=person.caregiver,
                method=person.method,
                witness=witness,
                interpreter_language=person.interpreter,
                wording=self.wording(plan.purpose, person.wording_language),
            )
            if plan.revoked_after is not None:
                consent_revoke(actor=worker.user, membership=worker, consent=consent, note="Withdrawn by the client.")
            self.dates.consent(consent, person, plan)

    def _incident(self, person, case, worker):
        plan = person.incident
        incidents.incident_record(
            actor=worker.user,
            membership=worker,
            case=case,
            answers=plan.answers,
            perpetrator_type=plan.perpetrator,
            contexts=plan.contexts,
            incident_date=plan.incident_date,
            recent=incidents.RECENT_NO if plan.incident_date is None else "",
            admin_area=self.areas[person.district],
            reported_at=plan.reported_at,
        )

    def _assessments(self, person, case, worker):
        triggered = {}
        for plan in person.assessments:
            assessment = assessment_record(
                actor=worker.user,
                membership=worker,
                case=case,
                instrument_code=plan.code,
                answers=plan.answers,
                stage=plan.stage,
                interpreter_language=person.interpreter,
            )
            moment = self.dates.assessment(assessment, person, plan)
            actions = set(assessment.result.required_actions)
            kinds = []
            if plan.code == "risk" and assessment.band == RiskLevel.IMMINENT:
                kinds.append(CaseAlert.Kind.IMMINENT_RISK)
            if "suicide_risk_assessment" in actions:
                kinds.append(CaseAlert.Kind.SUICIDE_RISK)
            if "urgent_medical_care" in actions:
                kinds.append(CaseAlert.Kind.URGENT_HEALTH)
            for kind in kinds:
                triggered.setdefault(kind, moment)
        if triggered:
            self.dates.alerts[case.pk] = triggered

    def _safety_plan(self, person, case, worker, supervisor):
        plan = person.safety_plan
        saved = safety.safety_plan_save(
            actor=worker.user,
            membership=worker,
            case=case,
            values={
                "trusted_contacts": plan.trusted_contacts,
                "safe_places": plan.safe_places,
                "warning_signs": plan.warning_signs,
                "code_word": plan.code_word,
                "digital_safety": plan.digital_safety,
                # The service wants a date after the real today; the story's date is set after.
                "review_date": timezone.localdate() + datetime.timedelta(days=7),
            },
        )
        moment = _Dates.at(person, plan.day, minutes=90)
        self.dates.safety_plans.append((saved, moment, plan.review_date))
        if supervisor is not None:
            # The supervisor looked at the plan and marked the imminent-risk alert done.
            open_alerts = CaseAlert.objects.filter(
                case=case, kind=CaseAlert.Kind.IMMINENT_RISK, resolved_at__isnull=True
            )
            for alert in open_alerts:
                alert_resolve(actor=supervisor.user, membership=supervisor, alert=alert)
            self.dates.resolved[case.pk] = moment + datetime.timedelta(hours=2)


class _Dates:
    """The story's dates for what one organization's people got, written at the end in one pass.

    The only direct writes of the demo (see the module docstring): each record's own date fields,
    moved from the seeding moment to the story's; the case status and its dates; consent expiries;
    the needs of closed cases marked met; a safety plan's review date.
    """

    def __init__(self):
        self.cases: dict = {}
        self.consents: list = []
        self.assessments: dict = {}
        self.alerts: dict = {}  # case id → {alert kind: when the assessment that raised it was made}
        self.resolved: dict = {}  # case id → when its imminent-risk alert was marked done
        self.safety_plans: list = []

    @staticmethod
    def at(person: Person, day: int, minutes: int = 0) -> datetime.datetime:
        return min(DEMO_NOW, person.opened + datetime.timedelta(days=day, minutes=minutes))

    def consent(self, consent: Consent, person: Person, plan: ConsentPlan) -> None:
        recorded = self.at(person, plan.day, minutes=5 + len(self.consents) % 7)
        consent.recorded_at = recorded
        consent.expires_at = recorded + datetime.timedelta(days=plan.expires_after) if plan.expires_after else None
        if plan.revoked_after is not None:
            consent.revoked_at = min(DEMO_NOW, recorded + datetime.timedelta(days=plan.revoked_after))
        self.consents.append(consent)

    def assessment(self, assessment: Assessment, person: Person, plan: AssessmentPlan) -> datetime.datetime:
        moment = plan.at or self.at(person, plan.day, minutes=30 + 5 * len(self.assessments) % 40)
        assessment.assessed_at = moment
        self.assessments[assessment.pk] = assessment
        return moment

    def write(self) -> None:
        cases, clients = [], []
        for case, person in self.cases.values():
            case.opened_at = person.opened
            case.status = person.status
            case.closed_at = person.closed
            case.last_contact_at = person.last_contact
            cases.append(case)
            case.client.created_at = person.opened
            clients.append(case.client)
        _update(Case, ["opened_at", "status", "closed_at", "last_contact_at"], cases)
        _update(Client, ["created_at"], clients)
        _update(Consent, ["recorded_at", "expires_at", "revoked_at"], self.consents)
        _update(Assessment, ["assessed_at"], self.assessments.values())
        needs = list(Need.objects.filter(case_id__in=list(self.cases)))
        for need in needs:
            source = self.assessments.get(need.assessment_id)
            need.identified_at = source.assessed_at if source else self.cases[need.case_id][1].opened
            if self.cases[need.case_id][1].status == CaseStatus.CLOSED:
                need.status = Need.Status.MET
        _update(Need, ["identified_at", "status"], needs)
        alerts = list(CaseAlert.objects.filter(case_id__in=list(self.alerts)))
        for alert in alerts:
            moment = self.alerts[alert.case_id].get(alert.kind)
            if moment is None:
                continue
            if alert.due_at is not None:  # as long after the story's moment as after the real one
                minutes = round((alert.due_at - alert.created_at).total_seconds() / 60)
                alert.due_at = moment + datetime.timedelta(minutes=minutes)
            alert.created_at = moment
            if alert.resolved_at is not None and alert.case_id in self.resolved:
                alert.resolved_at = self.resolved[alert.case_id]
        _update(CaseAlert, ["created_at", "due_at", "resolved_at"], alerts)
        for plan, moment, review_date in self.safety_plans:
            plan.updated_at, plan.review_date = moment, review_date
        _update(SafetyPlan, ["updated_at", "review_date"], [plan for plan, _moment, _review in self.safety_plans])


def _update(model, fields: list[str], rows) -> None:
    """``UPDATE`` of ``fields`` for each of ``rows``, as one ``executemany``.

    ``bulk_update`` builds a CASE expression per field and batch, which cost more than a second
    here; this is the same write, with the fields' own conversions to database values.
    """
    rows = list(rows)
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    # Table and column names come from the model and are quoted; every value is a parameter.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = [
        [column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns]
        + [meta.pk.get_db_prep_value(row.pk, connection)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def seed(network: dict) -> None:
    organizations = network["organizations"]
    areas = network["admin_areas"]
    people_by_organization: dict[str, list[Person]] = {}
    for person in plan():
        people_by_organization.setdefault(person.organization, []).append(person)
    cases = {}
    for acronym, people in people_by_organization.items():
        organization = organizations[acronym]
        with transaction.atomic():
            found = _existing(organization, people)
            missing = [person for person in people if person.key not in found]
            if missing:
                writer = _Writer(organization, organizations, areas)
                for person in missing:
                    found[person.key] = writer.create(person).pk
                writer.dates.write()
        cases |= found
    network["client_cases"] = cases
