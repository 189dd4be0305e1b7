"""Youth exchanges, the schools that take part, and their sign-ups."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.partners.models import Partner
from app.timeutil import UTCDateTime, utcnow

# Exchange status.
DRAFT = "draft"
OPEN = "open"
CLOSED = "closed"
CANCELLED = "cancelled"
EXCHANGE_STATUSES = (DRAFT, OPEN, CLOSED, CANCELLED)

# Who travels.
WE_TRAVEL = "we_travel"
THEY_VISIT = "they_visit"
BOTH = "both"
DIRECTIONS = (WE_TRAVEL, THEY_VISIT, BOTH)

# School kinds.
COMPULSORY = "compulsory"
UPPER_SECONDARY = "upper_secondary"
CULTURE_SCHOOL = "culture_school"
SCHOOL_KINDS = (COMPULSORY, UPPER_SECONDARY, CULTURE_SCHOOL)

# Sign-up status: confirmed and offered groups hold places; waiting groups queue.
CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
OFFERED = "offered"  # places held for a waiting group until its offer deadline
EXPIRED = "expired"  # the group let an offer lapse and left the waiting list
SIGNUP_CANCELLED = "cancelled"
SIGNUP_STATUSES = (CONFIRMED, WAITLISTED, OFFERED, EXPIRED, SIGNUP_CANCELLED)
HOLDING = (CONFIRMED, OFFERED)
ACTIVE = (CONFIRMED, OFFERED, WAITLISTED)  # still taking part: told of changes, may change
LIVE_SQL = "status IN ('confirmed', 'offered', 'waitlisted')"  # ACTIVE, for partial indexes

DEFAULT_OFFER_HOURS = 72


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Exchange(db.Model):
    """A youth exchange with a partner: a number of places that school groups sign up for."""

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )
    title_sv: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_sv: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    programme_sv: Mapped[str] = mapped_column(sa.Text, default="")
    programme_en: Mapped[str] = mapped_column(sa.Text, default="")
    practical_sv: Mapped[str] = mapped_column(sa.Text, default="")
    practical_en: Mapped[str] = mapped_column(sa.Text, default="")
    direction: Mapped[str] = mapped_column(sa.String(12), default=WE_TRAVEL)
    starts_on: Mapped[date] = mapped_column(sa.Date, index=True)  # reminders
    ends_on: Mapped[date] = mapped_column(sa.Date)
    age_min: Mapped[int | None] = mapped_column()
    age_max: Mapped[int | None] = mapped_column()
    school_year_min: Mapped[int | None] = mapped_column()
    school_year_max: Mapped[int | None] = mapped_column()
    places: Mapped[int] = mapped_column()
    cap_per_school: Mapped[int | None] = mapped_column()
    # Pupils the partner sends to us (for reciprocity); ours are counted from sign-ups.
    incoming_pupils: Mapped[int | None] = mapped_column()
    offer_hours: Mapped[int] = mapped_column(default=DEFAULT_OFFER_HOURS)
    signup_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signup_closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # reminders
    status: Mapped[str] = mapped_column(sa.String(10), default=DRAFT, index=True)
    # iCalendar SEQUENCE of the exchange's event: raised whenever a change matters to the
    # schools (dates, title, programme, practical information, cancellation), so that
    # calendar apps replace the entry they got with the sign-up mail (same UID).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # selectin, not joined: a join would make FOR UPDATE lock the partner row too.
    partner: Mapped[Partner] = relationship(lazy="selectin")
    signups: Mapped[list[Signup]] = relationship(
        back_populates="exchange", order_by="Signup.queued_at, Signup.id"
    )

    __table_args__ = (
        sa.CheckConstraint(_in("status", EXCHANGE_STATUSES), name="status_known"),
        # The reminder sweep's windows: the status and the moment in one index, so that
        # SQLite does not read every open exchange through the status index alone.
        sa.Index("ix_exchange_status_signup_closes_at", "status", "signup_closes_at"),
        sa.Index("ix_exchange_status_starts_on", "status", "starts_on"),
        sa.CheckConstraint(_in("direction", DIRECTIONS), name="direction_known"),
        sa.CheckConstraint("title_sv <> ''", name="title_not_empty"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint("places >= 1 AND places <= 10000", name="places_range"),
        sa.CheckConstraint("cap_per_school IS NULL OR cap_per_school >= 1", name="cap_positive"),
        sa.CheckConstraint("incoming_pupils IS NULL OR incoming_pupils >= 0", name="incoming"),
        sa.CheckConstraint("offer_hours >= 1", name="offer_hours_positive"),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        sa.CheckConstraint("signup_closes_at > signup_opens_at", name="window_in_order"),
        sa.CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="ages_in_order"
        ),
        sa.CheckConstraint(
            "school_year_min IS NULL OR school_year_max IS NULL "
            "OR school_year_min <= school_year_max",
            name="years_in_order",
        ),
    )

    def __repr__(self) -> str:
        return f"<Exchange {self.id} {self.title_sv!r}>"


class School(db.Model):
    """A school that signs up groups; not an account, remembered by its name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The name folded (case, spacing, Unicode form) so "Hvitfeldtska  gymnasiet" is one school.
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    contact_email: Mapped[str] = mapped_column(sa.String(254))  # normalised, lower case
    kind: Mapped[str] = mapped_column(sa.String(20), default=COMPULSORY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(_in("kind", SCHOOL_KINDS), name="kind_known"),
        sa.CheckConstraint("name_key <> ''", name="name_not_empty"),
    )


class Signup(db.Model):
    """One school's group of pupils and teachers for one exchange."""

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(sa.ForeignKey("exchange.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(
        sa.ForeignKey("school.id", ondelete="RESTRICT"), index=True
    )
    contact_name: Mapped[str] = mapped_column(sa.String(120))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(5), default="sv")
    # The pupils travelling; the column keeps the contract's word, "students".
    pupils: Mapped[int] = mapped_column("students")
    teachers: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(10))
    # The order of the waiting list: the moment the group (re)joined the queue.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Part of the signed link; replaced to revoke every link mailed before.
    token_nonce: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who cancelled, and the office's reason (in Swedish, and optionally in English): the
    # school's link page says so on a later visit, in the school's language.
    cancelled_by_office: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    cancel_reason: Mapped[str] = mapped_column(sa.String(2000), default="", server_default="")
    cancel_reason_en: Mapped[str] = mapped_column(sa.String(2000), default="", server_default="")
    # When the contact's name and address were erased (records plan or a person's request);
    # the group's numbers and status stay for the counts.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exchange: Mapped[Exchange] = relationship(back_populates="signups")
    school: Mapped[School] = relationship(lazy="joined")

    __table_args__ = (
        # One school, through one contact address, holds at most one live sign-up of an
        # exchange; a stranger typing the school's name with another address gets a sign-up
        # of its own (flagged to the coordinator), and ended sign-ups are never reused.
        sa.Index(
            "ux_signup_live_school_contact",
            "exchange_id",
            "school_id",
            "contact_email",
            unique=True,
            sqlite_where=sa.text(LIVE_SQL),
            postgresql_where=sa.text(LIVE_SQL),
        ),
        sa.CheckConstraint(_in("status", SIGNUP_STATUSES), name="status_known"),
        sa.CheckConstraint("students >= 1 AND students <= 10000", name="students_range"),
        sa.CheckConstraint("teachers >= 1 AND teachers <= 1000", name="teachers_range"),
        sa.CheckConstraint(
            "status <> 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_deadline"
        ),
        sa.Index("ix_signup_exchange_status", "exchange_id", "status", "queued_at"),
    )

    @property
    def holds_places(self) -> bool:
        return self.status in HOLDING
