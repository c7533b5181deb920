"""Local dates in a mission's time zone: deadlines fall at the end of the mission's day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_date(instant: dt.datetime, tz_name: str | None) -> dt.date:
    return instant.astimezone(zone(tz_name)).date()


def local(instant: dt.datetime, tz_name: str | None) -> dt.datetime:
    return instant.astimezone(zone(tz_name))
