"""Times as staff read them: in the clinic's zone (HANDOFF_TIMEZONE), and how long a ticket waits.
Used by the staff CLI and the staff inbox alike."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from runtime.handoff.office_hours import as_zone
from runtime.handoff.settings import load_settings


def staff_zone() -> ZoneInfo:
    return as_zone(load_settings().timezone)


def local_time(moment: datetime, tz: ZoneInfo, seconds: bool = False) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")


def age(elapsed: timedelta) -> str:
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h{minutes % 60:02d}m"
    return f"{minutes // (24 * 60)}d"
