"""Figures and exports for coordinators: the participants list, and pupils sent and received."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from app.csvutil import excel_csv
from app.exchanges import models as m
from app.exchanges.models import Exchange, Signup
from app.exchanges.queries import signups_of
from app.extensions import db
from app.partners.models import Partner
from app.partners.services import home_timezone
from app.timeutil import to_local


def participants_csv(exchange: Exchange, labels: dict[str, str], header: Sequence[str]) -> bytes:
    """Return the exchange's groups as Excel-safe CSV (holding groups, then the queue)."""
    zone = home_timezone()
    rows = [
        (
            s.school.name,
            labels.get(s.school.kind, s.school.kind),
            "" if s.erased_at else s.contact_name,
            "" if s.erased_at else s.contact_email,
            s.pupils,
            s.teachers,
            labels.get(s.status, s.status),
            to_local(s.queued_at, zone).strftime("%Y-%m-%d %H:%M"),
        )
        for s in signups_of(exchange)
        if s.status in m.ACTIVE
    ]
    return excel_csv(header, rows)


@dataclass(frozen=True)
class YearFigures:
    """One partner's year: pupils we sent, pupils we received."""

    year: int
    sent: int
    received: int


def reciprocity() -> list[tuple[Partner, list[YearFigures]]]:
    """Return per partner, year by year, the pupils we sent and the pupils we received.

    Sent: confirmed pupils of exchanges where our pupils travel (or both ways).
    Received: the partner's visiting pupils of exchanges where they visit (or both ways).
    Cancelled and draft exchanges do not count.
    """
    exchanges = db.session.scalars(
        sa.select(Exchange).where(Exchange.status.in_((m.OPEN, m.CLOSED)))
    ).all()
    confirmed = dict(
        db.session.execute(
            sa.select(Signup.exchange_id, sa.func.sum(Signup.pupils))
            .where(Signup.status == m.CONFIRMED)
            .group_by(Signup.exchange_id)
        ).all()
    )
    table: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    partners: dict[int, Partner] = {}
    for e in exchanges:
        partners[e.partner_id] = e.partner
        cell = table[e.partner_id][e.starts_on.year]
        if e.direction in (m.WE_TRAVEL, m.BOTH):
            cell[0] += int(confirmed.get(e.id) or 0)
        if e.direction in (m.THEY_VISIT, m.BOTH):
            cell[1] += int(e.incoming_pupils or 0)
    result = []
    for partner_id, years in table.items():
        rows = [YearFigures(y, s, r) for y, (s, r) in sorted(years.items())]
        result.append((partners[partner_id], rows))
    return sorted(result, key=lambda item: item[0].name.casefold())
