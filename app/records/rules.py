"""The disposal rules: for each kind of record holding personal data, how many months after
its end it is kept, as configured (each municipality's records plan decides).

Every rule starts as a configuration value (`RETENTION_<KIND>_MONTHS`, environment or
`instance/config.py`); an administrator may set another period at /admin/retention (a
`retention_rule` row, audited), which wins. 0 keeps the records for good. The privacy
notice, the workspace's privacy page and the disposal job all read the rules from here,
so what the notice says is what the job does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app import audit
from app.domain import DomainError
from app.extensions import db
from app.records.models import RetentionRule

SCHOOL_CONTACTS = "school_contacts"
DELEGATES = "delegates"
MAIL = "mail"
REMINDERS = "reminders"
AUDIT = "audit"


@dataclass(frozen=True)
class Kind:
    """A kind of record holding personal data, and what its disposal erases."""

    key: str
    setting: str
    name: object  # lazy string: what the records are
    after: object  # lazy string: what the months are counted from
    erases: object  # lazy string: what disposal erases, and what it keeps


KINDS: tuple[Kind, ...] = (
    Kind(
        SCHOOL_CONTACTS,
        "RETENTION_SCHOOL_CONTACTS_MONTHS",
        _l("Contact persons' names and e-mail addresses in sign-ups for youth exchanges"),
        _l("after the exchange ended"),
        _l(
            "The names and addresses are erased; the school, its pupils, teachers and the status of each group stay."
        ),
    ),
    Kind(
        DELEGATES,
        "RETENTION_DELEGATES_MONTHS",
        _l("Names and contact details of people invited to meetings"),
        _l("after the meeting"),
        _l(
            "Name, e-mail address, role, organisation and town are erased; the number of delegates and of their replies (attending or not) stay."
        ),
    ),
    Kind(
        MAIL,
        "RETENTION_MAIL_MONTHS",
        _l("Copies of the mail Vänort sent (recipient, subject and text)"),
        _l("after the mail was sent"),
        _l("Recipient, subject and text are erased; that a mail went out stays."),
    ),
    Kind(
        REMINDERS,
        "RETENTION_REMINDERS_MONTHS",
        _l("The log of reminders sent, with their recipients"),
        _l("after the event reminded of"),
        _l("The recipients are erased; the log of which reminders went out stays."),
    ),
    Kind(
        AUDIT,
        "RETENTION_AUDIT_MONTHS",
        _l("The log of changes made in the workspace (who changed what, with the values)"),
        _l("after the change"),
        _l("The entries are deleted."),
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Rule:
    """A kind of record and the months it is kept after its end (None: kept for good)."""

    kind: Kind
    months: int | None
    configured: int | None = None  # what the configuration says
    set_here: bool = False  # an administrator's period overrides the configuration

    @property
    def key(self) -> str:
        return self.kind.key

    def period(self) -> str:
        """Return how long the records are kept, in the current language."""
        if self.months is None:
            return _("kept until further notice (no disposal rule is set)")
        return ngettext(
            "%(num)d month %(after)s",
            "%(num)d months %(after)s",
            self.months,
            after=self.kind.after,
        )


def _months(value: object) -> int | None:
    try:
        months = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return months if months > 0 else None


MAX_MONTHS = 1200


class RetentionError(DomainError):
    """A period the rules refuse."""


def rules_in_force(config: dict | None = None) -> list[Rule]:
    """Return every kind's rule in force: an administrator's period, else the configuration."""
    config = current_app.config if config is None else config
    stored = {row.kind: row.months for row in db.session.scalars(sa.select(RetentionRule))}
    rules = []
    for kind in KINDS:
        configured = _months(config.get(kind.setting))
        if kind.key in stored:
            rules.append(Rule(kind, _months(stored[kind.key]), configured, set_here=True))
        else:
            rules.append(Rule(kind, configured, configured))
    return rules


def set_rule(key: str, months: int | None, actor: object = None) -> None:
    """Set the period of one kind (None: back to the configuration), audited; flush only."""
    if key not in BY_KEY:
        raise RetentionError(_l("There is no such kind of record."), "months")
    if months is not None and not 0 <= months <= MAX_MONTHS:
        raise RetentionError(
            _l("Give a number of months from 0 to %(max)s.", max=MAX_MONTHS), "months"
        )
    row = db.session.get(RetentionRule, key, with_for_update=True)
    before = audit.snapshot(row) if row is not None else None
    if months is None:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
            audit.record(
                audit.DELETE,
                object_type="RetentionRule",
                object_id=key,
                before=before,
                summary=audit.say("Disposal rule %(kind)s back to the configuration", kind=key),
                actor=actor,
            )
        return
    if row is None:
        row = RetentionRule(kind=key, months=months)
        db.session.add(row)
    row.months = months
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        audit.UPDATE if before else audit.CREATE,
        row,
        object_id=key,
        before=before,
        summary=audit.say("Disposal rule %(kind)s: %(months)s months", kind=key, months=months),
        actor=actor,
    )


def months_before(moment: datetime, months: int) -> datetime:
    """Return the moment `months` calendar months before (the day clipped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, _month_days(year, month))
    return moment.replace(year=year, month=month, day=day)


def _month_days(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days
