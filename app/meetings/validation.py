"""Check and normalise what coordinators enter for meetings; say what is wrong in
`MeetingError`, tied to the form field it concerns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.domain import DomainError
from app.emails import normalise_email
from app.extensions import db
from app.i18n import current_language
from app.meetings import display, recurrence
from app.meetings.models import LANGUAGES, MAX_DURATION_MINUTES
from app.meetings.recurrence import Rule
from app.partners.models import Partner
from app.partners.services import home_timezone
from app.timeutil import gap_time, is_valid_timezone, localize

MAX_INTERVAL = 100
MAX_COUNT = 1000
MAX_DAYS = 30


class MeetingError(DomainError):
    """Bad input for a meeting, said in the user's language and tied to a form field."""


def check_timezone(name: str | None, field: str = "timezone") -> str:
    """Return an IANA zone name stripped, or refuse it on `field`."""
    name = (name or "").strip()
    if not is_valid_timezone(name):
        raise MeetingError(
            _l(
                "Unknown time zone %(zone)s. Use an IANA name such as Europe/Oslo.",
                zone=name or "–",
            ),
            field=field,
        )
    return name


def check_duration(minutes: int | None, field: str = "duration_minutes") -> int:
    """Return a duration in minutes, or refuse one not above zero or above 30 days."""
    if minutes is None or minutes <= 0:
        raise MeetingError(_l("The duration must be more than zero minutes."), field=field)
    if minutes > MAX_DURATION_MINUTES:
        raise MeetingError(_l("A meeting may last at most 30 days."), field=field)
    return minutes


def check_rule(rule: Rule) -> None:
    """Refuse a recurrence rule the planner cannot expand, on the field to correct."""
    if rule.freq not in recurrence.FREQS:
        raise MeetingError(_l("Choose years or months."), field="freq")
    if rule.interval is None or rule.interval < 1:
        raise MeetingError(_l("The interval must be at least 1."), field="interval")
    if rule.interval > MAX_INTERVAL:
        raise MeetingError(_l("The interval can be at most 100."), field="interval")
    if rule.until is not None and rule.until < rule.first_date:
        raise MeetingError(_l("The end date cannot be before the first date."), field="until_date")
    if rule.count is not None and not 1 <= rule.count <= MAX_COUNT:
        raise MeetingError(_l("The number of meetings must be between 1 and 1000."), field="count")
    if rule.until is not None and rule.count is not None:
        raise MeetingError(_l("Give an end date or a number of meetings, not both."), field="count")
    if rule.on_weekday:
        check_weekday_rule(rule)


def _small_int(value: object) -> int | None:
    """Return a select's value as an int ('' or None: None); refuse anything else as -99."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lstrip("-").isascii() and text.lstrip("-").isdigit() and len(text) < 4:
        return int(text)
    return -99


def check_weekday_rule(rule: Rule) -> None:
    """Refuse a weekday of the month that is not in every month, or a first date off it."""
    if rule.by_weekday is None or rule.by_weekday not in range(7):
        raise MeetingError(_l("Choose a weekday from the list."), field="by_weekday")
    if rule.by_setpos is None:
        raise MeetingError(
            _l("Choose which of the month's weekdays: first to fourth, or last."),
            field="by_setpos",
        )
    lang = current_language()
    weekday = display.weekday_name(rule.by_weekday, lang)
    if rule.by_setpos == 5:
        if rule.freq == recurrence.YEARS:
            message = _l(
                "Not every %(month)s has a fifth %(weekday)s. "
                "Choose “last” to meet on the last %(weekday)s of %(month)s.",
                month=display.month_name(rule.first_date.month, lang),
                weekday=weekday,
            )
        else:
            message = _l(
                "Not every month has a fifth %(weekday)s. "
                "Choose “last” to meet on the last %(weekday)s of the month.",
                weekday=weekday,
            )
        raise MeetingError(message, field="by_setpos")
    if rule.by_setpos not in recurrence.SETPOS:
        raise MeetingError(
            _l("Choose which of the month's weekdays: first to fourth, or last."),
            field="by_setpos",
        )
    if not recurrence.matches(rule.first_date, rule.by_weekday, rule.by_setpos):
        raise MeetingError(display.weekday_mismatch(rule, lang), field="first_date")


def series_duration(values: dict) -> int:
    """Return a series' length in minutes: from days and an end time when given (09:00 on
    the first day to 16:00 on the last), else from the minutes given."""
    end_time, start_time = values.get("end_time"), values.get("start_time")
    if not isinstance(end_time, time):
        if values.get("duration_minutes") is None:
            raise MeetingError(_l("Give the time the meeting ends."), field="end_time")
        return check_duration(values.get("duration_minutes"))
    if not isinstance(start_time, time):
        raise MeetingError(_l("Give the time the meeting starts."), field="start_time")
    days = values.get("days")
    days = 1 if days is None else days
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise MeetingError(_l("A meeting lasts from 1 to 30 days."), field="days")
    first = values.get("first_date") or date(2000, 1, 1)
    # Wall-clock difference: the meeting ends at end_time local, across daylight saving.
    starts = datetime.combine(first, start_time)
    ends = datetime.combine(first + timedelta(days=days - 1), end_time)
    minutes = int((ends - starts).total_seconds() // 60)
    if minutes <= 0:
        raise MeetingError(_l("The meeting must end after it starts."), field="end_time")
    return check_duration(minutes, field="end_time")


def check_titles(title_sv: str, title_en: str) -> None:
    """Refuse a meeting with neither a Swedish nor an English title."""
    if not (title_sv or "").strip() and not (title_en or "").strip():
        raise MeetingError(_l("Give a title in Swedish or English."), field="title_sv")


def rotation_partners(host_ids: Sequence[int]) -> list[Partner]:
    """Return the partners of a host rotation, in order; refuse none, repeats or unknowns."""
    ids = [int(i) for i in host_ids]
    if not ids:
        raise MeetingError(_l("Choose at least one host for the rotation."), field="host_1")
    if len(set(ids)) != len(ids):
        raise MeetingError(_l("Each host may appear once in the rotation."), field="host_1")
    partners = {p.id: p for p in db.session.scalars(sa.select(Partner).where(Partner.id.in_(ids)))}
    if len(partners) != len(ids):
        raise MeetingError(_l("Choose hosts from the list of partners."), field="host_1")
    return [partners[i] for i in ids]


GAP_YEARS = 10  # how far ahead a series' meetings are checked for the spring-forward gap
GAP_FIELD = "confirm_gap"  # the form's checkbox: "yes, the meeting moves to the real time"


def check_gap(day: date, at: time, zone: str, confirmed: object) -> None:
    """Refuse a wall-clock time that does not exist (the clocks go forward) unless the
    coordinator has confirmed the time it becomes; the error belongs to the checkbox."""
    moved = gap_time(day, at, zone)
    if moved is None or confirmed:
        return
    raise MeetingError(
        _l(
            "%(time)s on %(day)s does not exist in %(zone)s: the clocks go forward that night. "
            "The meeting would start at %(moved)s. Tick the box to keep that time, or "
            "choose another.",
            time=at.strftime("%H:%M"),
            day=display.long_date(day),
            zone=zone,
            moved=moved.strftime("%H:%M"),
        ),
        field=GAP_FIELD,
    )


def series_values(values: dict, zone_if_none: str) -> dict:
    """Check and normalise the fields of a series; raise MeetingError on the first problem."""
    check_titles(values.get("title_sv", ""), values.get("title_en", ""))
    rule = Rule(
        freq=values["freq"],
        interval=values["interval"] if values.get("interval") is not None else 0,
        first_date=values["first_date"],
        start_time=values["start_time"],
        until=values.get("until_date"),
        count=values.get("count"),
        by_weekday=_small_int(values.get("by_weekday")),
        by_setpos=_small_int(values.get("by_setpos")),
    )
    check_rule(rule)
    zone = check_timezone((values.get("timezone") or "").strip() or zone_if_none)
    horizon = date(rule.first_date.year + GAP_YEARS, 12, 31)
    for local in recurrence.local_starts(rule, through=horizon):
        check_gap(local.date(), local.time(), zone, values.get(GAP_FIELD))
    return {
        "title_sv": (values.get("title_sv") or "").strip(),
        "title_en": (values.get("title_en") or "").strip(),
        "description_sv": (values.get("description_sv") or "").strip(),
        "description_en": (values.get("description_en") or "").strip(),
        "freq": rule.freq,
        "interval": rule.interval,
        "first_date": rule.first_date,
        "until_date": rule.until,
        "count": rule.count,
        "by_weekday": rule.by_weekday,
        "by_setpos": rule.by_setpos,
        "start_time": rule.start_time,
        "duration_minutes": series_duration(values),
        "timezone": zone,
        "in_host_timezone": bool(values.get("in_host_timezone")),
        "venue": (values.get("venue") or "").strip(),
        "published": bool(values.get("published")),
    }


def default_zone(partner: Partner | None) -> str:
    """Return the zone a meeting gets when none is given: its host city's, else home's."""
    if partner is not None and partner.timezone and is_valid_timezone(partner.timezone):
        return partner.timezone
    return home_timezone()


def meeting_values(values: dict) -> dict:
    """Check and normalise the fields of a one-off meeting; raise MeetingError on the first."""
    check_titles(values.get("title_sv", ""), values.get("title_en", ""))
    raw_partner = str(values.get("partner_id") or "")
    partner = (
        db.session.get(Partner, int(raw_partner))
        if raw_partner.isascii() and raw_partner.isdigit() and len(raw_partner) < 10
        else None
    )
    if partner is None:
        raise MeetingError(_l("Choose a partner or network."), field="partner_id")
    zone = check_timezone((values.get("timezone") or "").strip() or default_zone(partner))
    start_date, start_time = values.get("start_date"), values.get("start_time")
    if start_date is None or start_time is None:
        raise MeetingError(_l("Give the date and time the meeting starts."), field="start_date")
    starts = localize(start_date, start_time, zone)
    end_date = values.get("end_date") or start_date
    end_time = values.get("end_time")
    if end_time is None:
        raise MeetingError(_l("Give the time the meeting ends."), field="end_time")
    check_gap(start_date, start_time, zone, values.get(GAP_FIELD))
    ends = localize(end_date, end_time, zone)
    minutes = (ends - starts).total_seconds() / 60
    if minutes <= 0:
        raise MeetingError(_l("The meeting must end after it starts."), field="end_time")
    if minutes > MAX_DURATION_MINUTES:
        raise MeetingError(_l("A meeting may last at most 30 days."), field="end_date")
    return {
        "title_sv": (values.get("title_sv") or "").strip(),
        "title_en": (values.get("title_en") or "").strip(),
        "partner": partner,
        "venue": (values.get("venue") or "").strip(),
        "agenda": (values.get("agenda") or "").strip(),
        "timezone": zone,
        "starts_at": starts.astimezone(UTC),
        "ends_at": ends.astimezone(UTC),
        "published": bool(values.get("published")),
    }


DELEGATE_TEXT_FIELDS = ("role", "organisation", "city")


def delegate_values(values: dict, taken: Sequence[str]) -> dict:
    """Return a delegate's fields cleaned, refusing an address already in `taken`."""
    name = (values.get("name") or "").strip()
    if not name:
        raise MeetingError(_l("Give the delegate's name."), field="name")
    try:
        email = normalise_email((values.get("email") or "").strip())
    except ValueError:
        raise MeetingError(
            _l("Give one valid e-mail address, such as name@example.org."), field="email"
        ) from None
    if any(other.casefold() == email.casefold() for other in taken):
        raise MeetingError(_l("This delegate is already on the list."), field="email")
    language = values.get("language") or "sv"
    if language not in LANGUAGES:
        raise MeetingError(_l("Choose Swedish or English."), field="language")
    fields = {"name": name, "email": email, "language": language}
    for text in DELEGATE_TEXT_FIELDS:
        fields[text] = (values.get(text) or "").strip()
    return fields
