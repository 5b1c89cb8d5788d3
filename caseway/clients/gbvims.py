"""GBV incident classification with the GBVIMS Classification Tool, and the time windows of care.

The GBVIMS (Gender-Based Violence Information Management System) classifies every reported
incident as exactly one of six core types, by asking the tool's questions **in order** and
stopping at the first "yes": a rape that also involved beatings and threats is a rape. An incident
for which every answer is "no" is not GBV (it may still be recorded as another kind of incident).

1. rape — penetration, however slight, of the vagina, anus or mouth with a penis or other body
   part, or of the vagina or anus with an object;
2. sexual assault — any other unwanted sexual contact, without penetration (attempted rape,
   unwanted kissing, touching of genitals or buttocks; female genital mutilation/cutting);
3. physical assault — physical violence that is not sexual (hitting, slapping, choking, cutting,
   burning, shooting, acid attacks...);
4. forced marriage — a marriage against the person's will;
5. denial of resources, opportunities or services — denial of rightful access to economic
   resources or assets, livelihood opportunities, education, health or other social services;
6. psychological / emotional abuse — infliction of mental or emotional pain or injury (threats,
   intimidation, humiliation, forced isolation, stalking, harassment...).

Consent is never possible for a child: any sexual act with a child is "unwanted", and a child's
marriage is a forced marriage. The *context* of an incident (conflict-related sexual violence,
intimate partner violence, trafficking...) is recorded separately, as zero or more context codes.

Time windows: post-exposure prophylaxis of HIV (PEP) must start within 72 hours of an exposure,
emergency contraception within 120 hours. ``is_within_pep_window`` flags every incident that may
still be within the window: an incident known only by its date counts as having happened at the
last moment of that day anywhere on Earth (24:00 at UTC−12), so a survivor is never told it is too
late when it may not be.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

RAPE = "rape"
SEXUAL_ASSAULT = "sexual_assault"
PHYSICAL_ASSAULT = "physical_assault"
FORCED_MARRIAGE = "forced_marriage"
DENIAL_OF_RESOURCES = "denial_of_resources"
PSYCHOLOGICAL_ABUSE = "psychological_abuse"
NON_GBV = "non_gbv"

INCIDENT_TYPES = {
    RAPE: _("Rape"),
    SEXUAL_ASSAULT: _("Sexual assault"),
    PHYSICAL_ASSAULT: _("Physical assault"),
    FORCED_MARRIAGE: _("Forced marriage"),
    DENIAL_OF_RESOURCES: _("Denial of resources, opportunities or services"),
    PSYCHOLOGICAL_ABUSE: _("Psychological / emotional abuse"),
    NON_GBV: _("Not GBV"),
}
INCIDENT_TYPE_CHOICES = tuple(INCIDENT_TYPES.items())
GBV_TYPES = tuple(code for code in INCIDENT_TYPES if code != NON_GBV)

CRSV = "crsv"
INTIMATE_PARTNER_VIOLENCE = "intimate_partner_violence"
TRAFFICKING = "trafficking"
CHILD_SEXUAL_ABUSE = "child_sexual_abuse"
EARLY_MARRIAGE = "early_marriage"
HARMFUL_TRADITIONAL_PRACTICE = "harmful_traditional_practice"
SEXUAL_EXPLOITATION_AND_ABUSE = "sexual_exploitation_abuse"
OTHER_CONTEXT = "other"

CONTEXTS = {
    CRSV: _("Conflict-related sexual violence"),
    INTIMATE_PARTNER_VIOLENCE: _("Intimate partner violence"),
    TRAFFICKING: _("Trafficking in persons"),
    CHILD_SEXUAL_ABUSE: _("Child sexual abuse"),
    EARLY_MARRIAGE: _("Early (child) marriage"),
    HARMFUL_TRADITIONAL_PRACTICE: _("Harmful traditional practice"),
    SEXUAL_EXPLOITATION_AND_ABUSE: _("Sexual exploitation and abuse"),
    OTHER_CONTEXT: _("Other"),
}
CONTEXT_CHOICES = tuple(CONTEXTS.items())

PEP_WINDOW = datetime.timedelta(hours=72)
EMERGENCY_CONTRACEPTION_WINDOW = datetime.timedelta(hours=120)
# A calendar date is a different span of time in each time zone: from 00:00 at UTC+14 (the first
# place where the day starts) to 24:00 at UTC−12 (the last place where it ends).
_EARLIEST_ZONE = datetime.timezone(datetime.timedelta(hours=14))
_LATEST_ZONE = datetime.timezone(datetime.timedelta(hours=-12))


@dataclass(frozen=True)
class Question:
    """One question of the classification tool: answering yes classifies as ``incident_type``."""

    key: str
    incident_type: str
    text: Promise
    help: Promise


QUESTIONS = (
    Question(
        "penetration",
        RAPE,
        _("Did the reported incident include penetration, however slight, of the vagina, anus or mouth?"),
        _(
            "With a penis or other body part, or of the vagina or anus with an object. Without consent; a child "
            "cannot consent."
        ),
    ),
    Question(
        "unwanted_sexual_contact",
        SEXUAL_ASSAULT,
        _("Did the reported incident include unwanted sexual contact?"),
        _(
            "Any sexual contact without consent that did not include penetration: attempted rape, unwanted "
            "kissing, touching of genitals or buttocks, female genital mutilation/cutting."
        ),
    ),
    Question(
        "physical_assault",
        PHYSICAL_ASSAULT,
        _("Did the reported incident include physical assault?"),
        _(
            "Physical violence that is not sexual: hitting, slapping, choking, cutting, shoving, burning, "
            "shooting, use of any weapon, acid attacks, or any act causing pain, discomfort or injury."
        ),
    ),
    Question(
        "forced_marriage",
        FORCED_MARRIAGE,
        _("Was the reported incident an act of forced marriage?"),
        _("The marriage of a person against their will. The marriage of a child is a forced marriage."),
    ),
    Question(
        "denial_of_resources",
        DENIAL_OF_RESOURCES,
        _("Did the reported incident involve the denial of resources, opportunities or services?"),
        _(
            "Denial of rightful access to economic resources or assets, livelihood opportunities, education, "
            "health or other social services: an inheritance withheld, earnings taken, contraception or "
            "school forbidden."
        ),
    ),
    Question(
        "psychological_abuse",
        PSYCHOLOGICAL_ABUSE,
        _("Did the reported incident involve psychological or emotional abuse?"),
        _(
            "Infliction of mental or emotional pain or injury: threats of violence, intimidation, humiliation, "
            "forced isolation, stalking, harassment, unwanted sexual remarks or gestures, destruction of "
            "cherished things."
        ),
    ),
)
QUESTION_KEYS = tuple(question.key for question in QUESTIONS)


def classify(answers: Mapping[str, bool | None]) -> str:
    """The GBVIMS incident type: the type of the first question answered yes, else ``non_gbv``.

    ``answers`` maps question keys (``QUESTION_KEYS``) to True or False. The questions after the
    first yes need no answer (the tool stops there); every question before it does: a missing
    answer raises ``ValueError`` rather than guessing. Unknown keys and non-boolean answers too.
    """
    if not isinstance(answers, Mapping):
        raise ValueError(gettext("The classification answers must map questions to yes or no."))
    unknown = sorted(str(key) for key in answers if key not in QUESTION_KEYS)
    if unknown:
        raise ValueError(gettext("Unknown classification question “%(key)s”.") % {"key": unknown[0]})
    for question in QUESTIONS:
        answer = answers.get(question.key)
        if answer is None:
            raise ValueError(
                gettext("The question “%(key)s” needs an answer before the incident can be classified.")
                % {"key": question.key}
            )
        if not isinstance(answer, bool):
            raise ValueError(
                gettext("The answer to “%(key)s” must be yes or no, not “%(answer)s”.")
                % {"key": question.key, "answer": answer}
            )
        if answer:
            return question.incident_type
    return NON_GBV


def incident_type_label(code: str) -> Promise:
    try:
        return INCIDENT_TYPES[code]
    except KeyError:
        raise ValueError(f"unknown GBVIMS incident type {code!r}") from None


def context_label(code: str) -> Promise:
    try:
        return CONTEXTS[code]
    except KeyError:
        raise ValueError(f"unknown incident context {code!r}") from None


def clean_contexts(codes: Iterable[str]) -> list[str]:
    """Context codes without repeats, in the order of ``CONTEXTS``; unknown codes raise ValueError."""
    codes = list(codes)
    unknown = [code for code in codes if code not in CONTEXTS]
    if unknown:
        raise ValueError(gettext("Unknown incident context “%(code)s”.") % {"code": unknown[0]})
    return [code for code in CONTEXTS if code in codes]


def _bounds(incident: datetime.date | datetime.datetime, reported_at: datetime.datetime):
    """The earliest and latest moments the incident may have happened at, comparable with ``reported_at``."""
    if not isinstance(reported_at, datetime.datetime):
        raise TypeError(f"reported_at must be a datetime, not {type(reported_at).__name__}")
    aware = reported_at.utcoffset() is not None
    if isinstance(incident, datetime.datetime):
        if (incident.utcoffset() is not None) != aware:
            raise ValueError("the incident and report times must both have a time zone, or neither")
        return incident, incident
    if isinstance(incident, datetime.date):
        start, end = incident, incident + datetime.timedelta(days=1)
        if aware:
            return (
                datetime.datetime.combine(start, datetime.time.min, tzinfo=_EARLIEST_ZONE),
                datetime.datetime.combine(end, datetime.time.min, tzinfo=_LATEST_ZONE),
            )
        return datetime.datetime.combine(start, datetime.time.min), datetime.datetime.combine(end, datetime.time.min)
    raise TypeError(f"the incident must be a date or a datetime, not {type(incident).__name__}")


def _within(incident, reported_at, window: datetime.timedelta) -> bool:
    earliest, latest = _bounds(incident, reported_at)
    if earliest > reported_at:
        raise ValueError(gettext("The incident cannot have happened after it was reported."))
    return reported_at - latest <= window


def is_within_pep_window(incident: datetime.date | datetime.datetime, reported_at: datetime.datetime) -> bool:
    """Whether post-exposure prophylaxis may still be started: at most 72 hours since the incident.

    ``incident`` is a datetime, or a date when the time is not known (then counted as late as that
    day may end anywhere, so anything possibly within 72 hours is flagged). ``reported_at`` is a
    datetime, aware or naive like ``incident``. An incident after the report raises ValueError.
    """
    return _within(incident, reported_at, PEP_WINDOW)


def is_within_emergency_contraception_window(
    incident: datetime.date | datetime.datetime, reported_at: datetime.datetime
) -> bool:
    """Like ``is_within_pep_window``, for emergency contraception (120 hours)."""
    return _within(incident, reported_at, EMERGENCY_CONTRACEPTION_WINDOW)
