"""Time helpers: store UTC, show local. Nothing else handles naive datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Return the current moment as an aware UTC datetime."""
    return datetime.now(UTC)


def is_valid_timezone(name: str | None) -> bool:
    """Tell whether name is an IANA time zone this machine knows."""
    if not name or name != name.strip() or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def timezone_choices() -> list[str]:
    """Return the IANA zone names, sorted, for select lists."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def to_local(moment: datetime, zone: str) -> datetime:
    """Express an aware moment in the IANA zone named."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(ZoneInfo(zone))


def to_local_naive(moment: datetime, zone: str) -> datetime:
    """Return an aware moment as the zone's wall-clock time without a zone (for form fields)."""
    return to_local(moment, zone).replace(tzinfo=None)


def localize(day: date, at: time, zone: str) -> datetime:
    """Return the aware moment for a wall-clock day and time in a zone.

    Rule for wall-clock times that do not exist or exist twice (daylight saving):
    a time in the spring-forward gap is moved forward by the gap's length (02:30 becomes
    03:30), and an ambiguous time in the autumn fold is taken at its first occurrence
    (summer time). This is what PEP 495's fold=0 gives, normalised through UTC.
    """
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz, fold=0)
    # Round-trip through UTC so a time in the gap lands on a real wall-clock time.
    return aware.astimezone(UTC).astimezone(tz)


def gap_time(day: date, at: time, zone: str) -> time | None:
    """Return the wall-clock time that `at` becomes when it falls in the spring-forward
    gap of that day (02:30 -> 03:30 in Europe/Stockholm), or None when it exists."""
    moved = localize(day, at, zone)
    return None if moved.replace(tzinfo=None) == datetime.combine(day, at) else moved.time()


def as_utc(moment: datetime) -> datetime:
    """Return an aware moment in UTC; refuse naive input."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC)


def local_today(zone: str) -> date:
    """Return today's date in the zone named."""
    return utcnow().astimezone(ZoneInfo(zone)).date()


def days(n: int) -> timedelta:
    return timedelta(days=n)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC in every database and read back as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
