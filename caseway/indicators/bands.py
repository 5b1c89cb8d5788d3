"""Age bands of the indicators, read from ``CASEWAY_INDICATOR_AGE_BANDS`` at start-up.

No Django imports: ``settings.py`` parses the setting with ``parse_age_bands`` and a wrong value
stops the start. A client's age is kept only as one of the fine bands of ``clients.AgeBand``
(0–4, 5–11, 12–17, 18–24, 25–59, 60+), never as a birth date in clear, so a configured band must
be a run of those: each band starts where a fine band starts (0, 5, 12, 18, 25 or 60), the
first at 0, each next one just after the previous, and the last is open ("60+").
"""

from caseway.lib.env import ConfigurationError

DEFAULT_AGE_BANDS = "0-4,5-11,12-17,18-24,25-59,60+"
# The fine bands a client record holds: (code, first year, last year or None).
FINE_BANDS = (
    ("0-4", 0, 4),
    ("5-11", 5, 11),
    ("12-17", 12, 17),
    ("18-24", 18, 24),
    ("25-59", 25, 59),
    ("60+", 60, None),
)
_STARTS = {first for _code, first, _last in FINE_BANDS}
_ENDS = {last for _code, _first, last in FINE_BANDS if last is not None}


def parse_age_bands(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``"0-17,18-59,60+"`` → ((band code, the fine bands it gathers), ...). ``ConfigurationError``
    on anything else, saying what is wrong."""
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not parts:
        raise ConfigurationError("CASEWAY_INDICATOR_AGE_BANDS must list at least one age band, such as 0-17,18+.")
    bands, expected = [], 0
    for position, part in enumerate(parts):
        last_part = position == len(parts) - 1
        first, last = _bounds(part)
        if first != expected:
            raise ConfigurationError(
                f"CASEWAY_INDICATOR_AGE_BANDS: band {part!r} should start at {expected}: bands follow on from 0."
            )
        if last is None and not last_part:
            raise ConfigurationError(f"CASEWAY_INDICATOR_AGE_BANDS: only the last band may be open, not {part!r}.")
        if last is not None and last_part:
            raise ConfigurationError(
                f"CASEWAY_INDICATOR_AGE_BANDS: the last band must be open, such as 60+, not {part!r}."
            )
        if last is not None and last not in _ENDS:
            raise ConfigurationError(
                f"CASEWAY_INDICATOR_AGE_BANDS: band {part!r} must end where a recorded age group ends "
                f"({', '.join(str(end) for end in sorted(_ENDS))}): ages are kept only as those groups."
            )
        fine = tuple(
            code
            for code, low, high in FINE_BANDS
            if low >= first and (last is None or (high is not None and high <= last))
        )
        bands.append((part if last is not None else f"{first}+", fine))
        expected = None if last is None else last + 1
    return tuple(bands)


def _bounds(part: str) -> tuple[int, int | None]:
    try:
        if part.endswith("+"):
            first, last = int(part[:-1]), None
        else:
            low, _dash, high = part.partition("-")
            first, last = int(low), int(high)
    except ValueError:
        raise ConfigurationError(
            f"CASEWAY_INDICATOR_AGE_BANDS: {part!r} is not an age band such as 18-24 or 60+."
        ) from None
    if first not in _STARTS:
        raise ConfigurationError(
            f"CASEWAY_INDICATOR_AGE_BANDS: band {part!r} must start where a recorded age group starts "
            f"({', '.join(str(start) for start in sorted(_STARTS))})."
        )
    if last is not None and last < first:
        raise ConfigurationError(f"CASEWAY_INDICATOR_AGE_BANDS: band {part!r} ends before it starts.")
    return first, last
