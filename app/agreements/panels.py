"""The agreements' part of the coordinators' dashboard: renewal decisions due and terms that
ran out unrenewed.

Both are made only from agreements and partners, which the data version counts, so their
first rows and counts are kept per process as plain data (`app.calendar.version.kept`):
a change committed anywhere moves the version and the next dashboard reads them afresh.
Each reads a bounded range in SQL: the terms ending within the horizon (and the longest
decision lead) for decisions; the first rows and a COUNT for expired terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.agreements.models import Agreement, compute_status, decision_date
from app.calendar import version
from app.extensions import db
from app.partners.models import Partner

PANEL_ROWS = 10


@dataclass(frozen=True)
class PartnerName:
    name: str


@dataclass(frozen=True)
class AgreementRow:
    """What the dashboard shows of an agreement, without database objects."""

    id: int
    title: str
    partner: PartnerName
    signed_on: date | None
    starts_on: date
    ends_on: date
    decision_lead_days: int
    ended_on: date | None
    renewed: bool

    @property
    def decision_on(self) -> date:
        return decision_date(self.ends_on, self.decision_lead_days)

    def status(self, today: date) -> str:
        """Return the status on `today`, as `Agreement.status`."""
        return compute_status(
            signed_on=self.signed_on,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            lead_days=self.decision_lead_days,
            renewed=self.renewed,
            ended_on=self.ended_on,
            today=today,
        )


@dataclass(frozen=True)
class Decision:
    agreement: AgreementRow
    decision_on: date
    days_left: int


@dataclass(frozen=True)
class Listing:
    """The first rows of a dashboard list and how many there are in all."""

    rows: tuple
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _successor() -> sa.ColumnElement[bool]:
    successor = sa.orm.aliased(Agreement)
    return sa.exists().where(successor.renews_id == Agreement.id)


def _columns() -> tuple:
    return (
        Agreement.id,
        Agreement.title,
        Partner.name,
        Agreement.signed_on,
        Agreement.starts_on,
        Agreement.ends_on,
        Agreement.decision_lead_days,
        Agreement.ended_on,
    )


def _row(values: sa.Row, renewed: bool) -> AgreementRow:
    id_, title, partner, signed_on, starts_on, ends_on, lead, ended_on = values
    return AgreementRow(
        id_, title, PartnerName(partner), signed_on, starts_on, ends_on, lead, ended_on, renewed
    )


def decisions_due(today: date, within_days: int) -> Listing:
    """Return the first current terms whose decision date falls within `within_days` (or
    has passed), by decision date, and how many there are (as
    `agreements.services.decisions_due`)."""
    return version.kept(
        "dashboard.decisions", (today, within_days), lambda: _decisions(today, within_days)
    )


def _decisions(today: date, within_days: int) -> Listing:
    horizon = today + timedelta(days=within_days)
    # The decision day is the end less its lead: only terms ending before the horizon
    # plus the longest lead can be due.
    longest = db.session.scalar(sa.select(sa.func.max(Agreement.decision_lead_days))) or 0
    rows = db.session.execute(
        sa.select(*_columns())
        .join(Agreement.partner)
        .where(
            Agreement.ended_on.is_(None),
            Agreement.signed_on.is_not(None),
            Agreement.ends_on >= today,
            Agreement.ends_on <= horizon + timedelta(days=max(longest, 0)),
            ~_successor(),
        )
        .order_by(Agreement.ends_on, Agreement.id)
    ).all()
    found = [_row(r, renewed=False) for r in rows]
    due = sorted((a for a in found if a.decision_on <= horizon), key=lambda a: a.decision_on)
    return Listing(
        tuple(Decision(a, a.decision_on, (a.decision_on - today).days) for a in due[:PANEL_ROWS]),
        len(due),
    )


def expired_agreements(today: date) -> Listing:
    """Return the first terms that ran out without being renewed or ended, latest end
    first, and how many there are (as `agreements.services.expired_agreements`)."""
    return version.kept("dashboard.expired", today, lambda: _expired(today))


def _expired(today: date) -> Listing:
    # Expired on `today` (compute_status): not ended, signed, begun, past its end, and
    # no next term.
    conditions = (
        Agreement.ended_on.is_(None),
        Agreement.signed_on.is_not(None),
        Agreement.starts_on <= today,
        Agreement.ends_on < today,
        ~_successor(),
    )
    total = db.session.scalar(sa.select(sa.func.count(Agreement.id)).where(*conditions)) or 0
    rows = db.session.execute(
        sa.select(*_columns())
        .join(Agreement.partner)
        .where(*conditions)
        .order_by(Agreement.ends_on.desc(), Agreement.id.desc())
        .limit(PANEL_ROWS)
    ).all()
    return Listing(tuple(_row(r, renewed=False) for r in rows), int(total))
