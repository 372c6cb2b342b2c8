"""When staff answer handoffs: "Mon-Fri 08:00-17:00" (or "Mon-Fri 08:00-17:00, Sat 09:00-12:00")
in an IANA time zone, so the assistant can say whether someone is there now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runtime.handoff.settings import load_settings
from runtime.wording import wording

# How staff write days in HANDOFF_OFFICE_HOURS (a setting, not patient text).
DAY_ABBREVIATIONS = {
    day: index for index, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
}
SEGMENT = re.compile(
    r"^(?P<first>[A-Za-z]{3})(?:\s*-\s*(?P<last>[A-Za-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Opening:
    """One segment: the same hours on a run of weekdays (0 = Monday), minutes since midnight."""

    first_day: int
    last_day: int
    opens: int
    closes: int

    def days(self) -> set[int]:
        # A run may wrap round the week ("Sat-Mon"), hence the modulo.
        length = (self.last_day - self.first_day) % 7 + 1
        return {(self.first_day + offset) % 7 for offset in range(length)}

    def covers(self, weekday: int, minute: int) -> bool:
        return weekday in self.days() and self.opens <= minute < self.closes

    def describe(self) -> str:
        words = wording("office_hours")
        names = words["day_names"]
        days = names[self.first_day]
        if self.last_day != self.first_day:
            days = words["day_run"].format(first=days, last=names[self.last_day])
        return words["opening"].format(
            days=days, opens=format_minutes(self.opens), closes=format_minutes(self.closes)
        )


@dataclass(frozen=True)
class OfficeHours:
    openings: tuple[Opening, ...]
    tz: ZoneInfo

    @classmethod
    def parse(cls, spec: str, tz: str | ZoneInfo) -> OfficeHours:
        """Reads "Mon-Fri 08:00-17:00"; several segments are separated by commas or semicolons."""
        segments = [s.strip() for s in re.split(r"[,;]", spec) if s.strip()]
        if not segments:
            raise ValueError("Office hours are empty; expected e.g. 'Mon-Fri 08:00-17:00'")
        return cls(tuple(parse_segment(s) for s in segments), as_zone(tz))

    @classmethod
    def from_environment(cls) -> OfficeHours:
        configured = load_settings()
        return cls.parse(configured.office_hours, configured.timezone)

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether `now` falls in the office hours; a naive datetime is taken as UTC."""
        moment = now or datetime.now(timezone.utc)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        local = moment.astimezone(self.tz)
        minute = local.hour * 60 + local.minute
        return any(opening.covers(local.weekday(), minute) for opening in self.openings)

    def describe(self) -> str:
        """For patients: "Monday to Friday, 8:00 to 17:00"."""
        return wording("office_hours")["separator"].join(opening.describe() for opening in self.openings)


def parse_segment(segment: str) -> Opening:
    match = SEGMENT.match(segment)
    if not match:
        raise ValueError(f"Cannot read office hours {segment!r}; expected e.g. 'Mon-Fri 08:00-17:00'")
    first = parse_day(match["first"])
    last = parse_day(match["last"]) if match["last"] else first
    opens, closes = parse_minutes(match["open"]), parse_minutes(match["close"])
    if closes <= opens:
        raise ValueError(f"Office hours {segment!r} close before they open")
    return Opening(first, last, opens, closes)


def parse_day(abbreviation: str) -> int:
    try:
        return DAY_ABBREVIATIONS[abbreviation.lower()]
    except KeyError:
        raise ValueError(f"Unknown day {abbreviation!r}; use Mon, Tue, Wed, Thu, Fri, Sat or Sun") from None


def parse_minutes(clock: str) -> int:
    hours, minutes = (int(part) for part in clock.split(":"))
    # 24:00 is allowed as a closing time ("until midnight").
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"Invalid time {clock!r}")
    return hours * 60 + minutes


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def as_zone(tz: str | ZoneInfo) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {tz!r}; use an IANA name such as 'America/New_York'") from None
