"""The reminder rules: defined here with their defaults, changed per rule in `reminder_rule`.

Offsets are written as a list of whole days or hours before the event, e.g.
"180d, 90d, 30d, 0d" or "24h". A date (not a moment) is due at DAY_DUE_AT in the home
city's zone, so "30d" before a decision date is 08:00 local, thirty days before.

For other parts of the app:
- `RULES`: every rule by key, in the order the pages list them;
- `parse_offsets(text)` -> the offsets in minutes, largest first, or `RuleError`;
- `effective_rules()` -> {key: Rule}: the defaults with the coordinators' changes;
- `update_rule(key, offsets=..., enabled=...)`: a coordinator's change, audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import audit
from app.domain import DomainError
from app.extensions import db
from app.reminders.models import ReminderRule
from app.reminders.sweep import Rule, offset_text

DAY_DUE_AT = time(8, 0)  # when a reminder of a date (not a moment) is due, in the home zone
MAX_OFFSET_DAYS = 400  # a reminder more than a year ahead helps nobody; keeps the sweep small
MAX_OFFSETS = 8

AGREEMENT_DECISION = "agreement-decision"
AGREEMENT_EXPIRY = "agreement-expiry"
MEETING = "meeting"
MEETING_UNANSWERED = "meeting-unanswered"
SIGNUP_CLOSING = "exchange-signup-closing"
EXCHANGE_START = "exchange-start"
OFFER_LAPSING = "waiting-list-offer"
GRANT_OBLIGATION = "grant-obligation"


@dataclass(frozen=True)
class RuleDefinition:
    """A rule as the code defines it: what it reminds of, whom, and its default offsets."""

    key: str
    name: object  # lazy translation
    whom: object  # lazy translation
    default_offsets: str


DEFINITIONS: tuple[RuleDefinition, ...] = (
    RuleDefinition(
        AGREEMENT_DECISION,
        _l("An agreement's renewal decision date"),
        _l("Active coordinators"),
        "180d, 90d, 30d, 0d",
    ),
    RuleDefinition(
        AGREEMENT_EXPIRY,
        _l("An agreement's expiry"),
        _l("Active coordinators"),
        "0d",
    ),
    RuleDefinition(
        MEETING,
        _l("A meeting"),
        _l("Its delegates who have not declined, and the coordinators"),
        "60d, 14d, 2d",
    ),
    RuleDefinition(
        MEETING_UNANSWERED,
        _l("An invitation not yet answered"),
        _l("The delegate who has not answered"),
        "21d",
    ),
    RuleDefinition(
        SIGNUP_CLOSING,
        _l("An exchange's sign-up closing, with the places taken"),
        _l("Active coordinators"),
        "7d",
    ),
    RuleDefinition(
        EXCHANGE_START,
        _l("An exchange starting, with its programme and practical information"),
        _l("Confirmed schools, in the language they signed up in"),
        "14d",
    ),
    RuleDefinition(
        OFFER_LAPSING,
        _l("A waiting-list offer about to lapse"),
        _l("The school the places are offered to"),
        "24h",
    ),
    RuleDefinition(
        GRANT_OBLIGATION,
        _l("A grant obligation not yet done"),
        _l("Active coordinators"),
        "60d, 14d, 3d",
    ),
)
RULES: dict[str, RuleDefinition] = {d.key: d for d in DEFINITIONS}


class RuleError(DomainError):
    """A change to a reminder rule that cannot be used."""


_TOKEN = re.compile(r"([0-9]{1,6})\s*([dh])")


def parse_offsets(text: str) -> tuple[int, ...]:
    """Return offsets such as "180d, 90d, 24h" in minutes, largest first, without repeats.

    Raises RuleError with a message for the coordinator when the text is not such a list.
    """
    parts = [p for p in re.split(r"[,;\s]+", (text or "").strip().lower()) if p]
    # "30 d" is one offset written with a space: join a lone unit to the number before it.
    joined: list[str] = []
    for part in parts:
        if part in ("d", "h") and joined and joined[-1].isdigit():
            joined[-1] += part
        else:
            joined.append(part)
    if not joined:
        raise RuleError(
            _l("Give at least one offset, such as 30d (days) or 24h (hours)."), "offsets"
        )
    minutes = set()
    for part in joined:
        match = _TOKEN.fullmatch(part)
        if match is None:
            raise RuleError(
                _l(
                    "“%(part)s” is not an offset: write a whole number of days or hours, "
                    "such as 30d or 24h, separated by commas.",
                    part=part[:20],
                ),
                "offsets",
            )
        number, unit = int(match.group(1)), match.group(2)
        value = number * (24 * 60 if unit == "d" else 60)
        if value > MAX_OFFSET_DAYS * 24 * 60:
            raise RuleError(
                _l("An offset can be at most %(days)s days.", days=MAX_OFFSET_DAYS), "offsets"
            )
        minutes.add(value)
    if len(minutes) > MAX_OFFSETS:
        raise RuleError(_l("Give at most %(n)s offsets.", n=MAX_OFFSETS), "offsets")
    return tuple(sorted(minutes, reverse=True))


def offsets_text(offsets: tuple[int, ...]) -> str:
    """Return offsets as a rule writes them, largest first: "180d, 90d, 30d, 0d"."""
    return ", ".join(offset_text(m) for m in offsets)


def _rule_of(definition: RuleDefinition, row: ReminderRule | None) -> Rule:
    if row is None:
        return Rule(definition.key, parse_offsets(definition.default_offsets))
    try:
        offsets = parse_offsets(row.offsets)
    except RuleError:  # a row written by hand that no form would accept: the defaults
        offsets = parse_offsets(definition.default_offsets)
    return Rule(definition.key, offsets, bool(row.enabled))


def effective_rules() -> dict[str, Rule]:
    """Return every rule with the coordinators' changes applied, by key."""
    rows = {r.key: r for r in db.session.scalars(sa.select(ReminderRule))}
    return {d.key: _rule_of(d, rows.get(d.key)) for d in DEFINITIONS}


def update_rule(key: str, *, offsets: str, enabled: bool, actor: object | None = None) -> Rule:
    """Change a rule's offsets and whether it is on; record the change in the audit log."""
    definition = RULES.get(key)
    if definition is None:
        raise RuleError(_l("There is no such reminder rule."), None)
    parsed = parse_offsets(offsets)
    row = db.session.get(ReminderRule, key, with_for_update=True)
    before = _rule_of(definition, row)
    if row is None:
        row = ReminderRule(key=key)
        db.session.add(row)
    row.offsets = offsets_text(parsed)
    row.enabled = enabled
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        audit.UPDATE,
        object_type="ReminderRule",
        object_id=key,
        summary=(
            audit.say("Reminder rule %(key)s: %(offsets)s", key=key, offsets=row.offsets)
            if enabled
            else audit.say("Reminder rule %(key)s turned off", key=key)
        ),
        before={"offsets": offsets_text(before.offsets), "enabled": before.enabled},
        after={"offsets": row.offsets, "enabled": enabled},
        actor=actor,
    )
    return Rule(key, parsed, enabled)
