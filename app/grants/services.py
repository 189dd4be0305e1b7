"""Grant operations and queries: plain functions that flush, never commit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app import audit
from app.dbutil import lock_for_update
from app.domain import DomainError
from app.extensions import db
from app.formfields import EARLIEST_YEAR, LATEST_YEAR
from app.grants.models import KINDS, MAX_AMOUNT, Grant, GrantObligation
from app.partners.models import Partner, Project


class GrantError(DomainError):
    """A change to a grant or an obligation that the rules refuse."""


# --- rules ---------------------------------------------------------------------------


def check_currency(code: str) -> str:
    """Return the ISO 4217 code in capitals, or refuse one Babel does not know."""
    code = (code or "").strip().upper()
    if len(code) != 3 or code not in list_currencies():
        raise GrantError(
            _l("Give a currency as its three-letter ISO code, such as SEK."), "currency"
        )
    return code


def check_amount(amount: Decimal | None) -> Decimal:
    """Refuse a missing, negative or absurd amount; keep two decimals."""
    if amount is None or not amount.is_finite():
        raise GrantError(_l("Give the amount, such as 450000 or 450000.50."), "amount")
    if amount < 0:
        raise GrantError(_l("The amount cannot be negative."), "amount")
    if amount > MAX_AMOUNT:
        raise GrantError(_l("The amount is too large."), "amount")
    return amount.quantize(Decimal("0.01"))


def _check_day(day: date | None, field: str) -> None:
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise GrantError(
            _l(
                "Give a year between %(first)s and %(last)s.", first=EARLIEST_YEAR, last=LATEST_YEAR
            ),
            field,
        )


def chosen_partner(partner_id: int | None) -> Partner | None:
    """Return the partner chosen on a form (0 or None for none)."""
    if not partner_id:
        return None
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise GrantError(_l("Choose a partner from the list."), "partner_id")
    return partner


def chosen_project(project_id: int | None, partner: Partner | None) -> Project | None:
    """Return the project chosen on a form; it must belong to the chosen partner, if any."""
    if not project_id:
        return None
    project = db.session.get(Project, project_id)
    if project is None:
        raise GrantError(_l("Choose a project from the list."), "project_id")
    if partner is not None and project.partner_id != partner.id:
        raise GrantError(_l("The project belongs to another partner."), "project_id")
    return project


# --- grants --------------------------------------------------------------------------

FIELDS = ("programme", "title", "amount", "currency", "reference", "notes")
SHOWN_IN_FEEDS = ("programme", "title")


def _clean(values: dict) -> dict:
    values = dict(values)
    values["programme"] = (values.get("programme") or "").strip()
    values["title"] = (values.get("title") or "").strip()
    if not values["programme"]:
        raise GrantError(_l("Name the programme that gives the grant."), "programme")
    if not values["title"]:
        raise GrantError(_l("Give the grant a title."), "title")
    values["amount"] = check_amount(values.get("amount"))
    values["currency"] = check_currency(values.get("currency") or "")
    values["reference"] = values.get("reference") or ""
    values["notes"] = values.get("notes") or ""
    return values


def create_grant(
    *,
    partner: Partner | None,
    project: Project | None,
    log: bool = True,
    **values: object,
) -> Grant:
    """Add a grant (audited)."""
    values = _clean(values)
    grant = Grant(
        partner_id=partner.id if partner else None,
        project_id=project.id if project else None,
        **{k: values[k] for k in FIELDS},
    )
    db.session.add(grant)
    db.session.flush()
    if log:
        audit.record(audit.CREATE, grant, summary=f"{grant.programme}: {grant.title}")
    return grant


def grant_for_update(grant_id: int) -> Grant | None:
    """Return the grant, its row locked until the transaction ends."""
    return lock_for_update(Grant, grant_id)


def update_grant(
    grant: Grant, *, partner: Partner | None, project: Project | None, **values: object
) -> Grant:
    """Change a grant (audited); its obligations' events move on when their title changes."""
    values = _clean(values)
    before = audit.snapshot(grant)
    if any(getattr(grant, k) != values[k] for k in SHOWN_IN_FEEDS):
        grant.sequence += 1
    for key in FIELDS:
        setattr(grant, key, values[key])
    grant.partner_id = partner.id if partner else None
    grant.project_id = project.id if project else None
    db.session.flush()
    db.session.expire(grant, ["partner", "project"])
    audit.record(audit.UPDATE, grant, before=before, summary=f"{grant.programme}: {grant.title}")
    return grant


def delete_grant(grant: Grant) -> None:
    """Delete a grant with its obligations (audited)."""
    before = audit.snapshot(grant)
    summary = f"{grant.programme}: {grant.title}"
    grant_id = grant.id
    db.session.delete(grant)
    db.session.flush()
    audit.record(
        audit.DELETE, object_type="Grant", object_id=grant_id, before=before, summary=summary
    )


def all_grants() -> list[Grant]:
    """Return every grant with its obligations, by programme and title."""
    return list(
        db.session.scalars(
            sa.select(Grant)
            .options(selectinload(Grant.obligations))
            .order_by(sa.func.lower(Grant.programme), sa.func.lower(Grant.title), Grant.id)
        ).unique()
    )


# --- obligations ---------------------------------------------------------------------


def _check_obligation(kind: str, due_on: date | None, done_on: date | None) -> None:
    if kind not in KINDS:
        raise GrantError(_l("Choose a kind of obligation from the list."), "kind")
    if due_on is None:
        raise GrantError(_l("Give the date it is due."), "due_on")
    _check_day(due_on, "due_on")
    _check_day(done_on, "done_on")


def add_obligation(
    grant: Grant,
    *,
    kind: str,
    due_on: date,
    done_on: date | None = None,
    note: str = "",
    log: bool = True,
) -> GrantObligation:
    """Add a dated obligation to a grant (audited)."""
    _check_obligation(kind, due_on, done_on)
    obligation = GrantObligation(kind=kind, due_on=due_on, done_on=done_on, note=note or "")
    grant.obligations.append(obligation)
    db.session.flush()
    if log:
        audit.record(
            audit.CREATE,
            obligation,
            summary=audit.say(
                "%(grant)s: %(kind)s due %(day)s",
                grant=grant.title,
                kind=audit.code("obligation_kind", kind),
                day=due_on,
            ),
        )
    return obligation


def update_obligation(
    obligation: GrantObligation,
    *,
    kind: str,
    due_on: date,
    done_on: date | None,
    note: str = "",
) -> GrantObligation:
    """Change an obligation (audited); its calendar event's SEQUENCE rises when it moves."""
    _check_obligation(kind, due_on, done_on)
    before = audit.snapshot(obligation)
    if (obligation.kind, obligation.due_on, obligation.done_on) != (kind, due_on, done_on):
        obligation.sequence += 1
    obligation.kind, obligation.due_on, obligation.done_on = kind, due_on, done_on
    obligation.note = note or ""
    db.session.flush()
    audit.record(
        audit.UPDATE,
        obligation,
        before=before,
        summary=audit.say(
            "%(grant)s: %(kind)s due %(day)s",
            grant=obligation.grant.title,
            kind=audit.code("obligation_kind", kind),
            day=due_on,
        ),
    )
    return obligation


def mark_done(obligation: GrantObligation, done_on: date | None) -> GrantObligation:
    """Mark an obligation done on `done_on`, or not done with None (audited)."""
    if (obligation.done_on is None) == (done_on is None):
        return obligation  # already so: nothing changes, nothing is logged
    _check_day(done_on, "done_on")
    before = audit.snapshot(obligation)
    kind = audit.code("obligation_kind", obligation.kind)
    obligation.done_on = done_on
    obligation.sequence += 1
    db.session.flush()
    audit.record(
        audit.UPDATE,
        obligation,
        before=before,
        summary=(
            audit.say("%(grant)s: %(kind)s done", grant=obligation.grant.title, kind=kind)
            if done_on
            else audit.say("%(grant)s: %(kind)s not done", grant=obligation.grant.title, kind=kind)
        ),
    )
    return obligation


def delete_obligation(obligation: GrantObligation) -> None:
    """Delete an obligation (audited)."""
    before = audit.snapshot(obligation)
    summary = audit.say(
        "%(grant)s: %(kind)s due %(day)s",
        grant=obligation.grant.title,
        kind=audit.code("obligation_kind", obligation.kind),
        day=obligation.due_on,
    )
    obligation_id = obligation.id
    obligation.grant.obligations.remove(obligation)
    db.session.flush()
    audit.record(
        audit.DELETE,
        object_type="GrantObligation",
        object_id=obligation_id,
        before=before,
        summary=summary,
    )


def _due_by(today: date, within_days: int) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        GrantObligation.done_on.is_(None),
        GrantObligation.due_on <= today + timedelta(days=within_days),
    )


def due_obligations(
    today: date, within_days: int, limit: int | None = None
) -> list[GrantObligation]:
    """Return open obligations overdue or due within `within_days`, soonest first (the
    first `limit`, if given)."""
    return list(
        db.session.scalars(
            sa.select(GrantObligation)
            .join(GrantObligation.grant)
            .options(selectinload(GrantObligation.grant))
            .where(*_due_by(today, within_days))
            .order_by(GrantObligation.due_on, GrantObligation.id)
            .limit(limit)
        )
    )


def count_due_obligations(today: date, within_days: int) -> int:
    """Return how many obligations `due_obligations` lists."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count(GrantObligation.id)).where(*_due_by(today, within_days))
        )
        or 0
    )
