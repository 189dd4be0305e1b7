"""Which reminders are due at a moment: a pure function, no Flask, no database.

A candidate is one event (an agreement's decision date, one meeting occurrence, an
offer's deadline, ...) with its recipients. A rule gives offsets before the event; each
offset for each recipient is one reminder, named by a unique key of the rule, the object,
the occurrence's ORIGINAL start, the recipient and the offset. So a moved occurrence
gets reminders for its new time, but an offset already recorded for it is not repeated.

At `now`, a reminder whose moment (event - offset) has come is
- ignored when that moment lies more than LOOKBACK ago (a fresh install or a long stop
  does not log a flood of ancient misses),
- recorded as missed when the event has passed (its deadline), when the next, smaller
  offset is also due (a later reminder says it better), or when the address is unusable,
- sent otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

LOOKBACK = timedelta(days=30)
# A reminder due at the very moment of its event (offset 0) stays useful this long.
AT_EVENT_GRACE = timedelta(hours=1)

SEND = "send"
MISS = "missed"

# Why a reminder was recorded as missed (Reminder.reason; shown in words on the log).
PASSED = "passed"
SUPERSEDED = "superseded"  # written "superseded:14d": the later reminder that was due
BAD_ADDRESS = "address"  # written "address:<what is wrong>"


@dataclass(frozen=True)
class Rule:
    """A rule as the sweep uses it: offsets in minutes before the event, largest first."""

    key: str
    offsets: tuple[int, ...]
    enabled: bool = True

    @property
    def largest(self) -> int:
        return max(self.offsets, default=0)


def offset_text(minutes: int) -> str:
    """Return one offset as a rule writes it: whole days as "30d", else hours as "36h"."""
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    return f"{minutes // 60}h"


@dataclass(frozen=True)
class Recipient:
    """Someone a reminder goes to: a normalised address, a language, perhaps a problem."""

    address: str
    language: str
    name: str = ""
    problem: str = ""  # not empty: the address cannot be used, the reminder is missed
    ref: object = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Candidate:
    """One event a rule may remind of, and the people to remind."""

    rule: str
    object_key: str  # e.g. "agreement:12", "series:3", "meeting:5", "signup:9"
    event_at: datetime  # aware; a date is its DAY_DUE_AT in the home zone
    deadline: datetime  # after this nothing about the event is worth sending
    recipients: tuple[Recipient, ...]
    title: str = ""
    original_start: datetime | None = None  # identity of a series occurrence (or offer)
    subject: object = field(default=None, compare=False, hash=False)
    # The title in each language where the event has one (`title` is the one recorded).
    titles: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def title_in(self, lang: str) -> str:
        """Return the title for a reader of `lang`, else the recorded one."""
        return self.titles.get(lang) or self.title


@dataclass(frozen=True)
class Due:
    """One reminder, due now (or planned), to send or to record as missed."""

    key: str
    candidate: Candidate
    recipient: Recipient
    offset: int  # minutes before the event
    due_at: datetime
    action: str = SEND
    reason: str = ""

    @property
    def rule(self) -> str:
        return self.candidate.rule

    @property
    def offset_label(self) -> str:
        return offset_text(self.offset)


def reminder_key(
    rule: str, object_key: str, original_start: datetime | None, address: str, offset: int
) -> str:
    """Return the unique key of one reminder."""
    start = original_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") if original_start else "-"
    return f"{rule}|{object_key}|{start}|{address.strip().lower()}|{offset}"


def _points(candidate: Candidate, rule: Rule) -> list[tuple[int, datetime]]:
    """Return (offset, moment) pairs, earliest moment (largest offset) first."""
    return [
        (m, candidate.event_at - timedelta(minutes=m)) for m in sorted(rule.offsets, reverse=True)
    ]


def _recipients(candidate: Candidate) -> list[Recipient]:
    seen: set[str] = set()
    found = []
    for r in candidate.recipients:
        address = r.address.strip().lower()
        if address and address not in seen:
            seen.add(address)
            found.append(r)
    return found


def _judge(
    candidate: Candidate,
    recipient: Recipient,
    points: list[tuple[int, datetime]],
    index: int,
    now: datetime,
) -> tuple[str, str]:
    offset, at = points[index]
    deadline = candidate.deadline if at < candidate.deadline else at + AT_EVENT_GRACE
    later = [m for m, moment in points[index + 1 :] if moment <= now]
    if recipient.problem:
        return MISS, f"{BAD_ADDRESS}:{recipient.problem}"[:300]
    if now >= deadline:
        return MISS, PASSED
    if later:
        return MISS, f"{SUPERSEDED}:{offset_text(later[-1])}"
    return SEND, ""


def _walk(
    candidates: Iterable[Candidate],
    rules: Mapping[str, Rule],
    recorded: Collection[str],
    wanted,
) -> list[Due]:
    found = []
    for candidate in candidates:
        rule = rules.get(candidate.rule)
        if rule is None or not rule.enabled or not rule.offsets:
            continue
        points = _points(candidate, rule)
        for recipient in _recipients(candidate):
            for index, (offset, at) in enumerate(points):
                if not wanted(at):
                    continue
                key = reminder_key(
                    candidate.rule,
                    candidate.object_key,
                    candidate.original_start,
                    recipient.address,
                    offset,
                )
                if key in recorded:
                    continue
                found.append((candidate, recipient, points, index, key))
    return found


def _sort(found: list[Due]) -> list[Due]:
    return sorted(found, key=lambda d: (d.due_at, d.rule, d.candidate.object_key, d.key))


def due(
    candidates: Iterable[Candidate],
    rules: Mapping[str, Rule],
    now: datetime,
    *,
    recorded: Collection[str] = frozenset(),
    lookback: timedelta = LOOKBACK,
) -> list[Due]:
    """Return the reminders due at `now` and not yet recorded: each to send or missed."""
    if now.tzinfo is None:
        raise ValueError("naive datetime")
    found = []
    for candidate, recipient, points, index, key in _walk(
        candidates, rules, recorded, lambda at: now - lookback <= at <= now
    ):
        action, reason = _judge(candidate, recipient, points, index, now)
        offset, at = points[index]
        found.append(Due(key, candidate, recipient, offset, at, action, reason))
    return _sort(found)


def upcoming(
    candidates: Iterable[Candidate],
    rules: Mapping[str, Rule],
    now: datetime,
    until: datetime,
    *,
    recorded: Collection[str] = frozenset(),
) -> list[Due]:
    """Return the reminders that fall due after `now` up to `until`, as they will go out.

    Each is judged at its own moment, as if the sweep ran then.
    """
    if now.tzinfo is None or until.tzinfo is None:
        raise ValueError("naive datetime")
    found = []
    for candidate, recipient, points, index, key in _walk(
        candidates, rules, recorded, lambda at: now < at <= until
    ):
        offset, at = points[index]
        action, reason = _judge(candidate, recipient, points, index, at)
        found.append(Due(key, candidate, recipient, offset, at, action, reason))
    return _sort(found)
