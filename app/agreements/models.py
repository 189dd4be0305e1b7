"""Agreements: partner-city agreements and three-year memoranda, linked into chains."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.partners.models import Partner
from app.timeutil import UTCDateTime, utcnow

# Kinds of agreement, in the municipality's words.
PARTNER_CITY_AGREEMENT = "partner_city_agreement"
MEMORANDUM = "memorandum"
OTHER = "other"
KINDS = (PARTNER_CITY_AGREEMENT, MEMORANDUM, OTHER)

# Statuses, computed (never stored) by `compute_status`.
DRAFT = "draft"
UPCOMING = "upcoming"
ACTIVE = "active"
DECISION_DUE = "decision_due"
EXPIRED = "expired"
RENEWED = "renewed"
ENDED = "ended"
STATUSES = (DRAFT, UPCOMING, ACTIVE, DECISION_DUE, EXPIRED, RENEWED, ENDED)

DEFAULT_LEAD_DAYS = 120
TERM_YEARS = 3


def term_end(starts_on: date, years: int = TERM_YEARS) -> date:
    """Return the last day of a term of `years` years starting on starts_on."""
    return starts_on + relativedelta(years=years) - timedelta(days=1)


def decision_date(ends_on: date, lead_days: int) -> date:
    """Return the day by which the council must decide on a renewal."""
    return ends_on - timedelta(days=lead_days)


def compute_status(
    *,
    signed_on: date | None,
    ends_on: date,
    lead_days: int,
    renewed: bool,
    ended_on: date | None,
    today: date,
    starts_on: date | None = None,
) -> str:
    """Return the status of an agreement on `today`.

    Precedence: an ended partnership is ended; an unsigned one is a draft; a term that
    has not begun is upcoming; a term past its end is renewed (when a next term follows)
    or expired; a running term is active until its last day, renewed or not, with its
    decision due from the decision date unless it was renewed already.
    """
    if ended_on is not None:
        return ENDED
    if signed_on is None:
        return DRAFT
    if starts_on is not None and today < starts_on:
        return UPCOMING
    if today > ends_on:
        return RENEWED if renewed else EXPIRED
    if not renewed and today >= decision_date(ends_on, lead_days):
        return DECISION_DUE
    return ACTIVE


class Agreement(db.Model):
    """One agreement or one term of a memorandum; a renewal is a new row linked back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(200))
    signed_on: Mapped[date | None] = mapped_column(sa.Date)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date, index=True)
    signatories: Mapped[str] = mapped_column(sa.Text, default="")
    # Indexed: the reminder sweep asks for the longest lead (MAX reads one index entry).
    decision_lead_days: Mapped[int] = mapped_column(default=DEFAULT_LEAD_DAYS, index=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # The term this one renews; unique, so a term can be renewed only once.
    renews_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="SET NULL"), unique=True
    )
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    end_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The signed document, stored under the instance folder (never in static/).
    document_name: Mapped[str] = mapped_column(sa.String(200), default="")
    document_file: Mapped[str] = mapped_column(sa.String(80), default="")
    document_size: Mapped[int | None] = mapped_column()
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    partner: Mapped[Partner] = relationship(lazy="joined", innerjoin=True)
    renews: Mapped[Agreement | None] = relationship(
        remote_side=[id], back_populates="renewed_by", foreign_keys=[renews_id]
    )
    renewed_by: Mapped[Agreement | None] = relationship(
        back_populates="renews", foreign_keys=[renews_id], uselist=False
    )

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('partner_city_agreement', 'memorandum', 'other')", name="kind_known"
        ),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("decision_lead_days >= 0", name="lead_not_negative"),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        sa.CheckConstraint("renews_id IS NULL OR renews_id <> id", name="not_self_renewal"),
        sa.CheckConstraint("ended_on IS NULL OR end_reason <> ''", name="end_has_reason"),
        sa.CheckConstraint(
            "document_size IS NULL OR document_size >= 0", name="document_size_not_negative"
        ),
    )

    @property
    def decision_on(self) -> date:
        return decision_date(self.ends_on, self.decision_lead_days)

    def status(self, today: date) -> str:
        """Return the status on `today` (see compute_status)."""
        return compute_status(
            signed_on=self.signed_on,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            lead_days=self.decision_lead_days,
            renewed=self.renewed_by is not None,
            ended_on=self.ended_on,
            today=today,
        )

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.kind} {self.starts_on}–{self.ends_on}>"
