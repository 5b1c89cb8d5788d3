"""Periods (a month, a quarter, a year) and scopes (the network, one organization, several).

Both have a stable text key, used by snapshots, targets, URLs and exports: ``2026-03``,
``2026-Q1``, ``2026``; ``network`` or ``org:<id>,<id>`` (ids sorted).
"""

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

NETWORK = "network"
# The years a period may fall in. Django's dates stop at 9999, so a period near it has no end
# (``after`` cannot be computed); no programme reports on periods outside these either.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


def _not_a_period() -> str:
    # The text typed is not repeated: it may be long, or anything at all.
    return gettext("Enter a period such as 2026-03 (a month), 2026-Q1 (a quarter) or 2026 (a year).")


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year, in the site's time zone."""

    kind: str
    start: datetime.date

    def __post_init__(self):
        if self.kind not in PeriodKind.values:
            raise ValueError(gettext("Unknown period kind %(kind)s.") % {"kind": repr(self.kind)[:40]})
        if self.start.day != 1 or (self.kind == PeriodKind.QUARTER and self.start.month % 3 != 1):
            raise ValueError(gettext("A period starts on the first day of its month, quarter or year."))
        if self.kind == PeriodKind.YEAR and self.start.month != 1:
            raise ValueError(gettext("A year starts in January."))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(PeriodKind.MONTH, datetime.date(year, month, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        return cls(PeriodKind.QUARTER, datetime.date(year, 3 * quarter - 2, 1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(PeriodKind.YEAR, datetime.date(year, 1, 1))

    @classmethod
    def parse(cls, key: str) -> "Period":
        """``2026-03``, ``2026-Q1`` or ``2026``, in ``FIRST_YEAR``–``LAST_YEAR``; ``ValueError``
        with a translated message, fit to show the person who typed it, for anything else."""
        match = _KEY.match((key or "").strip())
        if not match:
            raise ValueError(_not_a_period())
        year = int(match["year"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(
                gettext("Enter a period between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise ValueError(_not_a_period())
            return cls.month(year, month)
        if match["quarter"]:
            return cls.quarter(year, int(match["quarter"]))
        return cls.year(year)

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> "Period":
        if kind == PeriodKind.MONTH:
            return cls.month(day.year, day.month)
        if kind == PeriodKind.QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        return cls.year(day.year)

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def months(self) -> int:
        return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]

    @property
    def after(self) -> datetime.date:
        """The first day after the period."""
        month = self.start.month - 1 + self.months
        return datetime.date(self.start.year + month // 12, month % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return self.after - datetime.timedelta(days=1)

    def previous(self) -> "Period":
        return Period.containing(self.kind, self.start - datetime.timedelta(days=1))

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes: the start of the first day and the start of the day after the last."""
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(self.after, datetime.time.min, tzinfo=zone),
        )

    def __str__(self):
        return self.key


@dataclass(frozen=True)
class Scope:
    """Whose work is counted: the whole network (``organization_ids`` None) or some organizations."""

    organization_ids: frozenset | None = None

    @classmethod
    def network(cls) -> "Scope":
        return cls(None)

    @classmethod
    def of(cls, *organizations) -> "Scope":
        ids = frozenset(str(getattr(organization, "pk", organization)) for organization in organizations)
        if not ids:
            raise ValueError(gettext("A scope of organizations names at least one."))
        return cls(ids)

    @property
    def is_network(self) -> bool:
        return self.organization_ids is None

    @property
    def key(self) -> str:
        if self.organization_ids is None:
            return NETWORK
        return "org:" + ",".join(sorted(self.organization_ids))

    @classmethod
    def parse(cls, key: str) -> "Scope":
        if key == NETWORK:
            return cls.network()
        if key.startswith("org:") and len(key) > 4:
            return cls.of(*key[4:].split(","))
        raise ValueError(gettext("Enter network, or org: followed by organization numbers (org:12,14)."))
