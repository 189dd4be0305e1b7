"""Grants: funding for partnerships and projects, with their dated obligations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.partners.models import Partner, Project
from app.timeutil import UTCDateTime, utcnow

# Kinds of obligation, in the order a grant meets them.
APPLICATION = "application"
INTERIM_REPORT = "interim_report"
FINAL_REPORT = "final_report"
PAYMENT = "payment"
KINDS = (APPLICATION, INTERIM_REPORT, FINAL_REPORT, PAYMENT)

# Programmes the office works with; the field takes any name.
PROGRAMMES = (
    "ICLD municipal partnership (Sida)",
    "Erasmus+",
    "EU town twinning",
)

MAX_AMOUNT = Decimal("999999999999.99")  # what Numeric(14, 2) holds


class Grant(db.Model):
    """One grant from a funding programme, for a partnership or a project."""

    __tablename__ = "funding_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(200))
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner.id", ondelete="SET NULL"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project.id", ondelete="SET NULL"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Raised when what the obligations' calendar events show of the grant changes.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    partner: Mapped[Partner | None] = relationship(lazy="selectin")
    project: Mapped[Project | None] = relationship(lazy="selectin")
    obligations: Mapped[list[GrantObligation]] = relationship(
        back_populates="grant",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(GrantObligation.due_on, GrantObligation.id)",
    )

    __table_args__ = (
        sa.CheckConstraint("programme <> ''", name="programme_not_empty"),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint(
            "length(currency) = 3 AND currency = upper(currency)", name="currency_code"
        ),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    def next_open(self) -> GrantObligation | None:
        """Return the soonest obligation not yet done."""
        return next((o for o in self.obligations if o.done_on is None), None)

    def __repr__(self) -> str:
        return f"<Grant {self.id} {self.programme!r} {self.amount} {self.currency}>"


class GrantObligation(db.Model):
    """A dated obligation of a grant: an application, a report or a payment."""

    __tablename__ = "grant_obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("funding_grant.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    grant: Mapped[Grant] = relationship(back_populates="obligations")

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('application', 'interim_report', 'final_report', 'payment')",
            name="kind_known",
        ),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def __repr__(self) -> str:
        return f"<GrantObligation {self.id} {self.kind} {self.due_on}>"
