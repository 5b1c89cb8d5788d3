"""When a client may be contacted: the "safe times" of their contact consent, read as a rule.

The consent form takes safe times as free text ("Weekdays 10:00–12:00", "After 17:00; send an SMS
first", "Not on Fridays", "Mornings only"), so this module reads what it can and fails closed:

- the text is cut into clauses at ``;``, ``,``, ``.`` and new lines;
- a clause names days (a day of the week, "weekdays", "weekends", in English, French, Spanish or
  Arabic), times ("10:00–12:00", "10h-12h", "after 17:00", "before 9am") or a part of the day
  ("mornings", "afternoons", "evenings"); within one clause they add up (Tuesdays *and* Thursdays);
- a clause with a negation ("not on Fridays", "never in the evening", "no calls before 9") removes
  what it names instead;
- clauses combine by intersection: "Weekdays, after 17:00" is weekdays after five;
- whatever the text says, nothing is sent outside ``DAY_START``–``DAY_END`` on the site's clock
  (``settings.TIME_ZONE``): "any time" means any day, in the day-time hours;
- empty safe times (the client set no limit): the day-time hours, every day;
- a text of which no clause is understood gives ``None``: the caller does not contact (suppressed).

Clauses not understood next to clauses that are ("Mornings only, when alone at home") are left out:
a qualifier the system cannot check is for the caseworker to know; the reminder keeps to the hours
it did understand.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

MINUTES_PER_DAY = 24 * 60
DAY_START = 8 * 60  # 08:00 on the site's clock: never earlier, whatever the text says
DAY_END = 20 * 60  # 20:00
ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})

DAY_WORDS = {
    0: ("monday", "mondays", "lundi", "lundis", "lunes", "الاثنين", "الإثنين"),
    1: ("tuesday", "tuesdays", "tue", "tues", "mardi", "mardis", "martes", "الثلاثاء"),
    2: ("wednesday", "wednesdays", "wed", "mercredi", "mercredis", "miércoles", "miercoles", "الأربعاء", "الاربعاء"),
    3: ("thursday", "thursdays", "thu", "thur", "thurs", "jeudi", "jeudis", "jueves", "الخميس"),
    4: ("friday", "fridays", "fri", "vendredi", "vendredis", "viernes", "الجمعة"),
    5: ("saturday", "saturdays", "samedi", "samedis", "sábado", "sábados", "sabado", "sabados", "السبت"),
    6: ("sunday", "sundays", "dimanche", "dimanches", "domingo", "domingos", "الأحد", "الاحد"),
}
WEEKDAY_PHRASES = (
    "weekday",
    "weekdays",
    "week days",
    "en semaine",
    "jours ouvrables",
    "entre semana",
    "días laborables",
)
WEEKEND_PHRASES = (
    "weekend",
    "weekends",
    "week-end",
    "week-ends",
    "fin de semana",
    "fines de semana",
    "عطلة نهاية الأسبوع",
)
PARTS_OF_DAY = (
    (
        ("morning", "mornings", "matin", "matins", "matinée", "mañana", "mañanas", "صباح", "الصباح", "صباحا"),
        8 * 60,
        12 * 60,
    ),
    (("afternoon", "afternoons", "après-midi", "apres-midi", "tarde", "tardes", "بعد الظهر"), 12 * 60, 17 * 60),
    (
        ("evening", "evenings", "soir", "soirs", "soirée", "noche", "noches", "مساء", "المساء", "مساءا"),
        17 * 60,
        21 * 60,
    ),
)
ANY_TIME_PHRASES = (
    "any time",
    "anytime",
    "n'importe quand",
    "à tout moment",
    "cualquier hora",
    "cualquier momento",
    "في أي وقت",
)
NEGATIONS = (
    "not",
    "never",
    "no",
    "don't",
    "except",
    "non",
    "pas",
    "jamais",
    "sauf",
    "nunca",
    "excepto",
    "salvo",
    "لا",
    "ليس",
    "إلا",
)
AFTER_WORDS = ("after", "from", "après", "à partir de", "dès", "después de", "desde", "بعد")
BEFORE_WORDS = ("before", "until", "till", "avant", "jusqu'à", "antes de", "hasta", "قبل")

_TIME = r"(\d{1,2})(?:\s*[:h.]\s*(\d{2})|\s*h)?\s*(am|pm|a\.m\.|p\.m\.)?"
_RANGE = re.compile(_TIME + r"\s*(?:–|—|-|to|à|a|au|until|till|hasta|jusqu'à|إلى|الى)\s*" + _TIME)
_CLAUSES = re.compile(r"[;,.\n]+(?!\d)")


@dataclass(frozen=True)
class Rule:
    """Safe moments: these days of the week (Monday = 0), these minutes of the day (site's clock)."""

    days: frozenset
    minutes: frozenset

    def allows(self, local: datetime.datetime) -> bool:
        return local.weekday() in self.days and local.hour * 60 + local.minute in self.minutes


DAYTIME = frozenset(range(DAY_START, DAY_END))
ANY_DAYTIME = Rule(days=ALL_DAYS, minutes=DAYTIME)


def _minutes(hour, minute, suffix) -> int | None:
    hour, minute = int(hour), int(minute or 0)
    suffix = (suffix or "").replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if hour > 24 or minute > 59:
        return None
    return min(hour * 60 + minute, MINUTES_PER_DAY)


def _has_word(text: str, words) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in words)


def _word_then_time(text: str, words):
    for word in words:
        match = re.search(rf"(?<!\w){re.escape(word)}\s+" + _TIME, text)
        if match:
            return _minutes(*match.groups())
    return None


def _clause_days(clause: str) -> set:
    days = set()
    if _has_word(clause, WEEKDAY_PHRASES):
        days |= WEEKDAYS
    if _has_word(clause, WEEKEND_PHRASES):
        days |= WEEKEND
    for day, words in DAY_WORDS.items():
        if _has_word(clause, words):
            days.add(day)
    return days


def _clause_minutes(clause: str) -> set:
    minutes = set()
    for match in _RANGE.finditer(clause):
        start, end = _minutes(*match.groups()[:3]), _minutes(*match.groups()[3:])
        if start is None or end is None or start == end:
            continue
        if end < start:
            minutes |= set(range(start, MINUTES_PER_DAY)) | set(range(0, end))
        else:
            minutes |= set(range(start, end))
    rest = _RANGE.sub(" ", clause)
    after, before = _word_then_time(rest, AFTER_WORDS), _word_then_time(rest, BEFORE_WORDS)
    if after is not None and before is not None and after < before:
        minutes |= set(range(after, before))
    elif after is not None:
        minutes |= set(range(after, MINUTES_PER_DAY))
    elif before is not None:
        minutes |= set(range(0, before))
    for words, start, end in PARTS_OF_DAY:
        if _has_word(clause, words):
            minutes |= set(range(start, end))
    return minutes


def parse(text: str | None) -> Rule | None:
    """The rule ``text`` states, bounded to the day-time hours; None when none of it is understood."""
    text = (text or "").strip().lower().replace("a.m.", "am").replace("p.m.", "pm")
    if not text:
        return ANY_DAYTIME
    days, minutes, understood = set(ALL_DAYS), set(DAYTIME), False
    for clause in _CLAUSES.split(text):
        clause = clause.strip()
        if not clause:
            continue
        if _has_word(clause, ANY_TIME_PHRASES):
            understood = True
            continue
        clause_days, clause_minutes = _clause_days(clause), _clause_minutes(clause)
        if not clause_days and not clause_minutes:
            continue
        understood = True
        if _has_word(clause, NEGATIONS):
            if clause_days and clause_minutes:
                continue  # "not Friday mornings": too fine to apply by halves; the other clauses decide
            days -= clause_days
            minutes -= clause_minutes
        else:
            if clause_days:
                days &= clause_days
            if clause_minutes:
                minutes &= clause_minutes
    if not understood:
        return None
    return Rule(days=frozenset(days), minutes=frozenset(minutes))


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def next_window(rule: Rule, start: datetime.datetime, end: datetime.datetime):
    """The first stretch of safe minutes in [start, end): ``(opens, closes)``, or None if there is none.

    ``opens`` is ``start`` when ``start`` is safe. Minute by minute on the site's clock (so daylight
    saving time changes count); ``end`` is at most a few days away.
    """
    zone = site_zone()
    moment = start.replace(second=0, microsecond=0)
    if moment < start:
        moment += datetime.timedelta(minutes=1)
    if rule.allows(start.astimezone(zone)):
        moment = start
    opens = None
    step = datetime.timedelta(minutes=1)
    while moment < end:
        safe = rule.allows(moment.astimezone(zone))
        if safe and opens is None:
            opens = moment
        elif not safe and opens is not None:
            return opens, moment
        moment = (
            moment + step
            if moment.second == 0 and moment.microsecond == 0
            else moment.replace(second=0, microsecond=0) + step
        )
    return (opens, end) if opens is not None else None
