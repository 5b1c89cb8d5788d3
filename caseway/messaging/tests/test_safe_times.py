"""Safe times, read from the consent's free text: what is understood, and failing closed on the rest."""

import datetime

import pytest

from caseway.messaging import safe_times
from caseway.messaging.safe_times import ANY_DAYTIME, parse


def hours(rule):
    return min(rule.minutes) / 60, (max(rule.minutes) + 1) / 60


@pytest.mark.parametrize(
    ("text", "days", "window"),
    [
        ("Weekdays 10:00–12:00", {0, 1, 2, 3, 4}, (10, 12)),
        ("After 17:00; send an SMS first", set(range(7)), (17, 20)),
        ("Mornings only, when alone at home", set(range(7)), (8, 12)),
        ("Tuesdays and Thursdays 14:00–16:00", {1, 3}, (14, 16)),
        ("Any time, by SMS only", set(range(7)), (8, 20)),
        ("Weekends only", {5, 6}, (8, 20)),
        ("Not on Fridays", {0, 1, 2, 3, 5, 6}, (8, 20)),
        ("weekdays 10:00–12:00, never in the evening", {0, 1, 2, 3, 4}, (10, 12)),
        ("lundi et mercredi de 9h à 11h", {0, 2}, (9, 11)),
        ("entre semana de 10 a 12", {0, 1, 2, 3, 4}, (10, 12)),
        ("الثلاثاء 10:00-12:00", {1}, (10, 12)),
        ("no calls before 9 a.m.", set(range(7)), (9, 20)),
        ("2pm-4pm", set(range(7)), (14, 16)),
    ],
)
def test_it_reads_the_safe_times_people_write(text, days, window):
    rule = parse(text)
    assert rule.days == frozenset(days)
    assert hours(rule) == window


def test_it_never_goes_outside_day_time_hours_even_when_any_time_is_allowed():
    assert parse("22:00-06:00") is not None and not parse("22:00-06:00").minutes
    assert hours(parse("")) == (8, 20)
    assert parse("") == ANY_DAYTIME


@pytest.mark.parametrize("text", ["walk the dog first", "ask her sister", "???"])
def test_it_understands_nothing_rather_than_guessing(text):
    assert parse(text) is None


def test_it_finds_the_first_safe_window_before_the_end():
    rule = parse("10:00-12:00")
    start = datetime.datetime(2026, 3, 2, 15, 30, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 3, 4, 9, 0, tzinfo=datetime.UTC)
    opens, closes = safe_times.next_window(rule, start, end)
    assert (opens, closes) == (
        datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC),
    )


def test_it_opens_at_once_inside_a_window_and_finds_none_when_the_end_comes_first():
    rule = parse("10:00-12:00")
    inside = datetime.datetime(2026, 3, 2, 10, 17, 42, tzinfo=datetime.UTC)
    assert safe_times.next_window(rule, inside, inside + datetime.timedelta(days=1))[0] == inside
    late = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
    assert safe_times.next_window(rule, late, late + datetime.timedelta(hours=20)) is None


def test_it_reads_the_hours_on_the_site_clock(settings):
    settings.TIME_ZONE = "Asia/Amman"  # UTC+3
    rule = parse("10:00-12:00")
    start = datetime.datetime(2026, 3, 2, 0, 0, tzinfo=datetime.UTC)
    opens, closes = safe_times.next_window(rule, start, start + datetime.timedelta(days=1))
    assert (opens.hour, closes.hour) == (7, 9)
