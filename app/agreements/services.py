"""Agreement operations and queries: plain functions that flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app import audit
from app.agreements.models import (
    DEFAULT_LEAD_DAYS,
    EXPIRED,
    KINDS,
    RENEWED,
    Agreement,
    term_end,
)
from app.dbutil import begin_write_transaction, lock_for_update
from app.domain import DomainError
from app.extensions import db
from app.i18n import show_date
from app.partners.models import PUBLIC_KINDS, Partner
from app.partners.services import home_today


class AgreementError(DomainError):
    """A change to an agreement that the rules refuse."""


# --- rules ---------------------------------------------------------------------------


def check_terms(starts_on: date, ends_on: date, lead_days: int) -> None:
    """Refuse an end before the start or a decision lead time longer than the term."""
    if ends_on < starts_on:
        raise AgreementError(_l("The end date must not be before the start date."), "ends_on")
    if lead_days < 0:
        raise AgreementError(_l("The lead time cannot be negative."), "decision_lead_days")
    term_days = (ends_on - starts_on).days + 1
    if lead_days >= term_days:
        raise AgreementError(
            _l(
                "The decision lead time (%(lead)s days) is longer than the term itself "
                "(%(term)s days).",
                lead=lead_days,
                term=term_days,
            ),
            "decision_lead_days",
        )


def default_end(kind: str, starts_on: date) -> date:
    """Return the end used when none is given: a three-year term (the memorandum's)."""
    return term_end(starts_on)


# --- changes -------------------------------------------------------------------------


FIELDS = (
    "kind",
    "title",
    "signed_on",
    "starts_on",
    "ends_on",
    "signatories",
    "decision_lead_days",
    "notes",
)


def create_agreement(
    partner: Partner,
    *,
    kind: str,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    signed_on: date | None = None,
    signatories: str = "",
    decision_lead_days: int = DEFAULT_LEAD_DAYS,
    notes: str = "",
    renews: Agreement | None = None,
    log: bool = True,
) -> Agreement:
    """Add an agreement for a partner; a memorandum defaults to a three-year term."""
    if kind not in KINDS:
        raise AgreementError(_l("Choose a kind of agreement."), "kind")
    if not title.strip():
        raise AgreementError(_l("Give the agreement a title."), "title")
    ends_on = ends_on or default_end(kind, starts_on)
    check_terms(starts_on, ends_on, decision_lead_days)
    agreement = Agreement(
        partner=partner,
        kind=kind,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        signatories=signatories.strip(),
        decision_lead_days=decision_lead_days,
        notes=notes.strip(),
        renews=renews,
    )
    db.session.add(agreement)
    db.session.flush()
    if log:
        audit.record(audit.CREATE, agreement, summary=f"{partner.name}: {agreement.title}"[:300])
    return agreement


def chosen_partner(partner_id: int | None) -> Partner:
    """Return the partner chosen on a form, or refuse the form when there is none."""
    partner = db.session.get(Partner, partner_id) if partner_id else None
    if partner is None:
        raise AgreementError(_l("Choose a partner."), "partner_id")
    if partner.kind not in PUBLIC_KINDS:
        raise AgreementError(
            _l("The municipality cannot make an agreement with itself; choose a partner."),
            "partner_id",
        )
    return partner


def update_agreement(
    agreement: Agreement, *, partner: Partner | None = None, **values: object
) -> Agreement:
    """Change an agreement's fields and partner, keeping the rules; record before and after."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    merged = {f: getattr(agreement, f) for f in FIELDS} | values
    if merged["ends_on"] is None:
        merged["ends_on"] = values["ends_on"] = default_end(merged["kind"], merged["starts_on"])
    if merged["kind"] not in KINDS:
        raise AgreementError(_l("Choose a kind of agreement."), "kind")
    if not str(merged["title"]).strip():
        raise AgreementError(_l("Give the agreement a title."), "title")
    check_terms(merged["starts_on"], merged["ends_on"], merged["decision_lead_days"])
    if agreement.renewed_by is not None and merged["ends_on"] >= agreement.renewed_by.starts_on:
        raise AgreementError(
            _l(
                "This term was renewed: it must end before the next term starts (%(day)s).",
                day=show_date(agreement.renewed_by.starts_on),
            ),
            "ends_on",
        )
    if agreement.renews is not None and merged["starts_on"] <= agreement.renews.ends_on:
        raise AgreementError(
            _l(
                "This term renews an earlier one: it must start after that one ends (%(day)s).",
                day=show_date(agreement.renews.ends_on),
            ),
            "starts_on",
        )
    before = audit.snapshot(agreement)
    dates = (agreement.ends_on, agreement.decision_lead_days)
    for name, value in values.items():
        setattr(agreement, name, value.strip() if isinstance(value, str) else value)
    if partner is not None:
        agreement.partner = partner
    if (agreement.ends_on, agreement.decision_lead_days) != dates:
        agreement.sequence += 1  # its deadlines moved in private calendar feeds
    db.session.flush()
    audit.record(
        audit.UPDATE,
        agreement,
        before=before,
        summary=f"{agreement.partner.name}: {agreement.title}"[:300],
    )
    return agreement


def agreement_for_update(agreement_id: int) -> Agreement | None:
    """Load an agreement as the writer and lock its row, so two renewals cannot both pass."""
    begin_write_transaction()
    return lock_for_update(Agreement, agreement_id)


def renew(
    agreement: Agreement,
    *,
    signed_on: date | None = None,
    signatories: str | None = None,
    title: str | None = None,
) -> Agreement:
    """Create the next three-year term, starting the day after this one ends.

    Refuses a term that was already renewed or whose partnership has ended. The old
    term then shows "renewed"; both changes go into the audit log. Lock the term first
    (`agreement_for_update`) when two coordinators may renew it at once.
    """
    if agreement.renewed_by is not None:
        raise AgreementError(
            _l(
                "This agreement has already been renewed (by the term starting %(day)s).",
                day=show_date(agreement.renewed_by.starts_on),
            )
        )
    if agreement.ended_on is not None:
        raise AgreementError(_l("This partnership has ended; its agreement cannot be renewed."))
    before = audit.snapshot(agreement)
    starts_on = agreement.ends_on + timedelta(days=1)
    try:
        with db.session.begin_nested():
            successor = create_agreement(
                agreement.partner,
                kind=agreement.kind,
                title=(title or agreement.title).strip(),
                starts_on=starts_on,
                ends_on=term_end(starts_on),
                signed_on=signed_on,
                signatories=agreement.signatories if signatories is None else signatories,
                decision_lead_days=agreement.decision_lead_days,
                renews=agreement,
                log=False,
            )
    except sa.exc.IntegrityError:
        # The database's one-renewal-per-term rule caught a race the lock did not.
        raise AgreementError(_l("This agreement has already been renewed.")) from None
    audit.record(
        audit.CREATE,
        successor,
        summary=audit.say(
            "%(partner)s: renewal %(start)s – %(end)s",
            partner=agreement.partner.name,
            start=successor.starts_on,
            end=successor.ends_on,
        ),
    )
    after = before | {"status": RENEWED, "renewed_by_id": successor.id}
    audit.record(
        audit.UPDATE,
        agreement,
        before=before,
        after=after,
        summary=audit.say(
            "%(partner)s: renewed by term %(id)s", partner=agreement.partner.name, id=successor.id
        ),
    )
    return successor


def end_agreement(agreement: Agreement, *, on: date, reason: str) -> Agreement:
    """End an agreement (the partnership ends) on a day, recording the reason."""
    reason = reason.strip()
    if not reason:
        raise AgreementError(_l("Give the reason the partnership ends."), "reason")
    if agreement.ended_on is not None:
        raise AgreementError(_l("This agreement has already ended."))
    if on < agreement.starts_on:
        raise AgreementError(
            _l("The partnership cannot end before the agreement starts."), "ended_on"
        )
    before = audit.snapshot(agreement)
    agreement.ended_on = on
    agreement.end_reason = reason
    db.session.flush()
    audit.record(
        audit.UPDATE,
        agreement,
        before=before,
        summary=audit.say(
            "%(partner)s: ended (%(reason)s)", partner=agreement.partner.name, reason=reason[:200]
        ),
    )
    return agreement


def end_partnership(partner: Partner, *, on: date, reason: str) -> list[Agreement]:
    """End every agreement of a partner that is neither renewed nor ended yet."""
    current = [a for a in agreements_of(partner) if a.renewed_by is None and a.ended_on is None]
    if not current:
        raise AgreementError(_l("This partner has no current agreement to end."))
    # A term that has not started yet ends before it begins: on its first day.
    return [end_agreement(a, on=max(on, a.starts_on), reason=reason) for a in current]


def delete_agreement(agreement: Agreement) -> str | None:
    """Delete an agreement; its successor (if any) stops pointing at it.

    Returns the stored document's name, for `documents.remove_after_commit`.
    """
    before = audit.snapshot(agreement)
    summary = f"{agreement.partner.name}: {agreement.title}"[:300]
    object_id = agreement.id
    stored = agreement.document_file
    if agreement.renewed_by is not None:
        agreement.renewed_by.renews_id = None
    db.session.delete(agreement)
    db.session.flush()
    audit.record(
        audit.DELETE,
        object_type="Agreement",
        object_id=object_id,
        before=before,
        summary=summary,
    )
    return stored or None


# --- queries -------------------------------------------------------------------------


def _loaded() -> sa.Select:
    return sa.select(Agreement).options(selectinload(Agreement.renewed_by))


def agreements_of(partner: Partner) -> list[Agreement]:
    """Return a partner's agreements, oldest term first."""
    return list(
        db.session.scalars(
            _loaded()
            .where(Agreement.partner_id == partner.id)
            .order_by(Agreement.starts_on, Agreement.id)
        )
    )


def chain(agreement: Agreement) -> list[Agreement]:
    """Return the chain of renewals this agreement belongs to, oldest first."""
    terms = {a.id: a for a in agreements_of(agreement.partner)}
    successors = {a.renews_id: a for a in terms.values() if a.renews_id is not None}
    first = terms.get(agreement.id, agreement)
    seen = {first.id}
    while first.renews_id in terms and first.renews_id not in seen:
        first = terms[first.renews_id]
        seen.add(first.id)
    result = [first]
    while result[-1].id in successors and len(result) <= len(terms):
        result.append(successors[result[-1].id])
    return result


def all_agreements(
    *,
    q: str = "",
    status: str = "",
    partner_id: int | None = None,
    sort: str = "ends_on",
    descending: bool = False,
    today: date | None = None,
) -> list[Agreement]:
    """Return agreements for the workspace list, searched, filtered and sorted."""
    stmt = _loaded().join(Agreement.partner)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            sa.or_(
                Agreement.title.ilike(like),
                Partner.name.ilike(like),
                Agreement.signatories.ilike(like),
            )
        )
    if partner_id:
        stmt = stmt.where(Agreement.partner_id == partner_id)
    columns = {
        "partner": sa.func.lower(Partner.name),
        "title": sa.func.lower(Agreement.title),
        "starts_on": Agreement.starts_on,
        "ends_on": Agreement.ends_on,
        "decision_on": Agreement.ends_on,
        "kind": Agreement.kind,
    }
    column = columns.get(sort, Agreement.ends_on)
    stmt = stmt.order_by(column.desc() if descending else column, Agreement.id)
    rows = list(db.session.scalars(stmt).unique())
    if sort == "decision_on":
        rows.sort(key=lambda a: a.decision_on, reverse=descending)
    if status:
        today = today or home_today()
        rows = [a for a in rows if a.status(today) == status]
    return rows


@dataclass(frozen=True)
class Attention:
    agreement: Agreement
    decision_on: date
    days_left: int


def decisions_due(today: date, within_days: int = 180) -> list[Attention]:
    """Return current terms whose decision date falls within `within_days` (or has passed).

    An expired, renewed, ended or unsigned term is not listed here.
    """
    horizon = today + timedelta(days=within_days)
    successor = sa.orm.aliased(Agreement)
    rows = db.session.scalars(
        _loaded()
        .where(
            Agreement.ended_on.is_(None),
            Agreement.signed_on.is_not(None),
            Agreement.ends_on >= today,
            ~sa.exists().where(successor.renews_id == Agreement.id),
        )
        .order_by(Agreement.ends_on)
    ).all()
    found = [
        Attention(a, a.decision_on, (a.decision_on - today).days)
        for a in rows
        if a.decision_on <= horizon
    ]
    return sorted(found, key=lambda x: x.decision_on)


def decision_deadlines(start: date, end: date) -> list[Agreement]:
    """Return the terms whose renewal decision falls on a day in [start, end).

    Only current terms count: signed, neither renewed nor ended. For the private
    calendar feed and the reminders; the decision day is `agreement.decision_on`.
    """
    return decision_deadlines_within([(start, end)])


def decision_deadlines_within(ranges: Sequence[tuple[date, date]]) -> list[Agreement]:
    """Return the terms whose renewal decision falls in one of the [start, end) ranges, in
    one query (the reminder sweep's windows)."""
    successor = sa.orm.aliased(Agreement)
    # The decision day is at most the end, so the end bounds the query from below; it is
    # at least the end less the longest lead, which bounds it from above (the sweep's
    # time then grows with what is due, not with every agreement there is).
    longest = db.session.scalar(sa.select(sa.func.max(Agreement.decision_lead_days))) or 0
    rows = db.session.scalars(
        _loaded()
        .where(
            Agreement.ended_on.is_(None),
            Agreement.signed_on.is_not(None),
            sa.or_(
                *(
                    sa.and_(
                        Agreement.ends_on >= start,
                        Agreement.ends_on < end + timedelta(days=longest),
                    )
                    for start, end in ranges
                )
            ),
            ~sa.exists().where(successor.renews_id == Agreement.id),
        )
        .order_by(Agreement.ends_on, Agreement.id)
    ).all()
    return sorted(
        (a for a in rows if any(start <= a.decision_on < end for start, end in ranges)),
        key=lambda a: (a.decision_on, a.id),
    )


def expired_agreements(today: date) -> list[Agreement]:
    """Return terms that ran out without being renewed or ended."""
    rows = db.session.scalars(
        _loaded()
        .where(Agreement.ends_on < today, Agreement.ended_on.is_(None))
        .order_by(Agreement.ends_on.desc())
    ).all()
    return [a for a in rows if a.status(today) == EXPIRED]


def overlapping(agreement: Agreement) -> list[Agreement]:
    """Return the partner's other agreements of the same kind whose terms overlap this one's.

    Allowed, but worth a warning: two memoranda running at once is usually a mistake,
    whereas a partner-city agreement beside memoranda (Shanghai) is normal. A term that
    was ended counts up to its end day.
    """
    others = db.session.scalars(
        sa.select(Agreement)
        .where(
            Agreement.partner_id == agreement.partner_id,
            Agreement.kind == agreement.kind,
            Agreement.id != agreement.id,
            Agreement.starts_on <= _last_day(agreement),
            Agreement.ends_on >= agreement.starts_on,
        )
        .order_by(Agreement.starts_on, Agreement.id)
    ).all()
    return [a for a in others if _last_day(a) >= agreement.starts_on]


def _last_day(agreement: Agreement) -> date:
    if agreement.ended_on is not None:
        return min(agreement.ends_on, agreement.ended_on)
    return agreement.ends_on


def partners_with_agreements() -> list[Partner]:
    """Return the partners that have at least one agreement, by name."""
    return list(
        db.session.scalars(
            sa.select(Partner)
            .where(sa.exists().where(Agreement.partner_id == Partner.id))
            .order_by(sa.func.lower(Partner.name))
        )
    )


def partner_agreement_count(partner: Partner) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Agreement)
            .where(Agreement.partner_id == partner.id)
        )
        or 0
    )


def agreement_counts() -> dict[int, int]:
    """Return the number of agreements of each partner that has any, by partner id."""
    return dict(
        db.session.execute(
            sa.select(Agreement.partner_id, sa.func.count()).group_by(Agreement.partner_id)
        ).all()
    )


def agreements_by_partner(partners: Iterable[Partner] | None = None) -> dict[int, list[Agreement]]:
    """Return every agreement grouped by partner id, oldest first (one query)."""
    stmt = _loaded().order_by(Agreement.starts_on, Agreement.id)
    if partners is not None:
        stmt = stmt.where(Agreement.partner_id.in_([p.id for p in partners]))
    grouped: dict[int, list[Agreement]] = {}
    for a in db.session.scalars(stmt):
        grouped.setdefault(a.partner_id, []).append(a)
    return grouped


def public_chain(partner: Partner) -> list[Agreement]:
    """Return the signed agreements shown on a partner's public page, oldest first."""
    if partner.kind not in PUBLIC_KINDS:
        return []
    return [a for a in agreements_of(partner) if a.signed_on is not None]
