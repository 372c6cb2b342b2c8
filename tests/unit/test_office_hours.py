"""runtime.handoff.office_hours: whether staff are there now, wherever the server's clock is."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from runtime.handoff.office_hours import OfficeHours

NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_describe_reads_as_a_sentence():
    assert OfficeHours.parse("Mon-Fri 08:00-17:00", NEW_YORK).describe() == "Monday to Friday, 8:00 to 17:00"
    several = OfficeHours.parse("Mon-Fri 08:00-17:00, Sat 09:30-12:00", NEW_YORK)
    assert several.describe() == "Monday to Friday, 8:00 to 17:00; Saturday, 9:30 to 12:00"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2024, 5, 6, 13, 0), True),  # Monday 09:00 in New York (EDT, UTC-4)
        (utc(2024, 5, 6, 11, 59), False),  # Monday 07:59 in New York
        (utc(2024, 5, 6, 20, 59), True),  # Monday 16:59: still open
        (utc(2024, 5, 6, 21, 0), False),  # Monday 17:00: closing time is exclusive
        (utc(2024, 5, 11, 15, 0), False),  # Saturday
        (utc(2024, 1, 8, 12, 30), False),  # Monday 07:30 EST (UTC-5) in winter...
        (utc(2024, 7, 8, 12, 30), True),  # ...but 08:30 EDT in summer
    ],
)
def test_open_in_new_york(moment, expected):
    assert OfficeHours.parse("Mon-Fri 08:00-17:00", NEW_YORK).is_open(moment) is expected


def test_the_same_instant_differs_by_time_zone():
    instant = utc(2024, 5, 6, 23, 30)  # Monday 19:30 in New York, Tuesday 08:30 in Tokyo
    assert not OfficeHours.parse("Mon-Fri 08:00-17:00", NEW_YORK).is_open(instant)
    assert OfficeHours.parse("Mon-Fri 08:00-17:00", "Asia/Tokyo").is_open(instant)


def test_the_weekday_is_the_clinics_not_utcs():
    saturday_utc = utc(2024, 5, 11, 2, 30)  # Friday 16:30 in Honolulu (UTC-10)
    assert saturday_utc.weekday() == 5
    assert OfficeHours.parse("Mon-Fri 08:00-17:00", "Pacific/Honolulu").is_open(saturday_utc)


def test_a_naive_datetime_is_taken_as_utc():
    hours = OfficeHours.parse("Mon-Fri 08:00-17:00", "Europe/London")
    assert hours.is_open(datetime(2024, 5, 6, 10, 0))  # 11:00 BST


def test_day_ranges_may_wrap_round_the_week():
    weekend = OfficeHours.parse("Sat-Sun 10:00-14:00", "UTC")
    assert weekend.is_open(utc(2024, 5, 12, 11, 0))  # Sunday
    assert not weekend.is_open(utc(2024, 5, 13, 11, 0))  # Monday


@pytest.mark.parametrize(
    "spec", ["", "weekdays 9-5", "Mon-Fri 17:00-08:00", "Mon-Fry 08:00-17:00", "Mon 08:00-25:00"]
)
def test_unreadable_office_hours_are_a_clear_error(spec):
    with pytest.raises(ValueError):
        OfficeHours.parse(spec, NEW_YORK)


def test_unknown_time_zone_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown time zone"):
        OfficeHours.parse("Mon-Fri 08:00-17:00", "Mars/Olympus_Mons")


def test_from_environment_reads_the_handoff_settings(monkeypatch):
    monkeypatch.setenv("HANDOFF_OFFICE_HOURS", "Sat 09:00-12:00")
    monkeypatch.setenv("HANDOFF_TIMEZONE", "Europe/London")
    hours = OfficeHours.from_environment()
    assert hours.describe() == "Saturday, 9:00 to 12:00"
    assert hours.tz == ZoneInfo("Europe/London")
