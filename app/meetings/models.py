"""Meeting series (recurring, with a host rotation), their changed occurrences, one-off
meetings and their delegates. Times are stored in UTC beside an IANA zone name."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.meetings.recurrence import Change, Rule, occurrence_key
from app.partners.models import Partner
from app.timeutil import UTCDateTime, utcnow

MAX_DURATION_MINUTES = 30 * 24 * 60
LANGUAGES = ("sv", "en")


class MeetingSeries(db.Model):
    """A meeting that recurs every N years or months, hosted in turn by partners."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_sv: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    description_sv: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    freq: Mapped[str] = mapped_column(sa.String(10))
    interval: Mapped[int] = mapped_column(default=1)
    first_date: Mapped[date] = mapped_column(sa.Date)
    until_date: Mapped[date | None] = mapped_column(sa.Date)
    count: Mapped[int | None] = mapped_column()
    # A weekday of the month instead of first_date's day: the by_setpos-th (-1: last)
    # by_weekday (0 = Monday), in first_date's month for a yearly series.
    by_weekday: Mapped[int | None] = mapped_column()
    by_setpos: Mapped[int | None] = mapped_column()
    start_time: Mapped[time] = mapped_column(sa.Time)
    duration_minutes: Mapped[int] = mapped_column()
    # The series' own zone: identity of occurrences and iCal master. With
    # in_host_timezone, each occurrence is held at start_time in its host city's zone.
    timezone: Mapped[str] = mapped_column(sa.String(64))
    in_host_timezone: Mapped[bool] = mapped_column(default=True)
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    published: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    hosts: Mapped[list[SeriesHost]] = relationship(
        back_populates="series",
        cascade="all, delete-orphan",
        order_by="SeriesHost.position",
        lazy="selectin",
    )
    changes: Mapped[list[OccurrenceChange]] = relationship(
        back_populates="series",
        cascade="all, delete-orphan",
        order_by="OccurrenceChange.original_start",
        lazy="selectin",
        foreign_keys="OccurrenceChange.series_id",
    )
    standing_delegates: Mapped[list[StandingDelegate]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="StandingDelegate.id"
    )

    __table_args__ = (
        sa.CheckConstraint("freq IN ('years', 'months')", name="freq_known"),
        sa.CheckConstraint('"interval" >= 1', name="interval_positive"),
        sa.CheckConstraint(
            f"duration_minutes > 0 AND duration_minutes <= {MAX_DURATION_MINUTES}",
            name="duration",
        ),
        sa.CheckConstraint("until_date IS NULL OR until_date >= first_date", name="until_after"),
        sa.CheckConstraint('"count" IS NULL OR "count" >= 1', name="count_positive"),
        sa.CheckConstraint('until_date IS NULL OR "count" IS NULL', name="until_or_count"),
        sa.CheckConstraint("title_sv <> '' OR title_en <> ''", name="has_title"),
        sa.CheckConstraint("timezone <> ''", name="timezone_not_empty"),
        sa.CheckConstraint("sequence >= 0", name="sequence"),
        sa.CheckConstraint(
            "(by_weekday IS NULL AND by_setpos IS NULL) OR "
            "(by_weekday BETWEEN 0 AND 6 AND by_setpos IN (1, 2, 3, 4, -1))",
            name="weekday_rule",
        ),
    )

    @property
    def public_id(self) -> str:
        return f"s{self.id}"

    @property
    def rule(self) -> Rule:
        return Rule(
            freq=self.freq,
            interval=self.interval,
            first_date=self.first_date,
            start_time=self.start_time,
            until=self.until_date,
            count=self.count,
            by_weekday=self.by_weekday,
            by_setpos=self.by_setpos,
        )

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def rotation(self) -> list[Partner]:
        return [h.partner for h in self.hosts]

    def __repr__(self) -> str:
        return f"<MeetingSeries {self.id} {self.title_en or self.title_sv!r}>"


class SeriesHost(db.Model):
    """A partner's place in a series' host rotation."""

    __tablename__ = "meeting_series_host"

    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id", ondelete="RESTRICT"))

    series: Mapped[MeetingSeries] = relationship(back_populates="hosts")
    partner: Mapped[Partner] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        sa.UniqueConstraint("series_id", "partner_id"),
        sa.CheckConstraint('"position" >= 0', name="position"),
        sa.Index("ix_meeting_series_host_partner_id", "partner_id"),
    )


class OccurrenceChange(db.Model):
    """A change to one occurrence of a series, keyed by its original start in UTC.

    Moved (new date, time, zone, venue or host), cancelled, skipped (the rotation waits),
    or swapped (its host exchanged with that of the occurrence starting at swap_with).
    """

    __tablename__ = "meeting_occurrence_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(default=False)
    skipped: Mapped[bool] = mapped_column(default=False)
    new_date: Mapped[date | None] = mapped_column(sa.Date)
    new_time: Mapped[time | None] = mapped_column(sa.Time)
    new_timezone: Mapped[str | None] = mapped_column(sa.String(64))
    venue: Mapped[str | None] = mapped_column(sa.String(300))
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id", ondelete="SET NULL"))
    swap_with: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    swap_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # The reasons in English; the public pages fall back to the other language.
    reason_en: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    swap_reason_en: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    sequence: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    series: Mapped[MeetingSeries] = relationship(back_populates="changes", foreign_keys=[series_id])
    host: Mapped[Partner | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("series_id", "original_start"),
        sa.CheckConstraint("NOT (cancelled AND skipped)", name="cancelled_or_skipped"),
        sa.CheckConstraint("swap_with IS NULL OR swap_with <> original_start", name="swap_other"),
        sa.CheckConstraint("sequence >= 0", name="sequence"),
        sa.Index("ix_meeting_occurrence_change_host_id", "host_id"),
    )

    def as_change(self) -> Change:
        return Change(
            original_start=self.original_start,
            cancelled=self.cancelled,
            skipped=self.skipped,
            new_date=self.new_date,
            new_time=self.new_time,
            new_timezone=self.new_timezone,
            venue=self.venue,
            reason=self.reason,
            reason_en=self.reason_en,
            sequence=self.sequence,
        )


class Meeting(db.Model):
    """A one-off meeting: a delegation visit or a project meeting with a partner or network."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_sv: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id", ondelete="RESTRICT"))
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(default=0)
    # A cancelled meeting stays (its page says so, with the reason) but leaves the lists.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    cancel_reason_en: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    partner: Mapped[Partner] = relationship(lazy="joined", innerjoin=True)
    delegates: Mapped[list[Delegate]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Delegate.id"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("title_sv <> '' OR title_en <> ''", name="has_title"),
        sa.CheckConstraint("timezone <> ''", name="timezone_not_empty"),
        sa.CheckConstraint("sequence >= 0", name="sequence"),
        sa.CheckConstraint(
            "cancelled_at IS NULL OR cancel_reason <> ''", name="cancelled_with_reason"
        ),
        sa.Index("ix_meeting_partner_id", "partner_id"),
        sa.Index("ix_meeting_starts_at", "starts_at"),
    )

    @property
    def public_id(self) -> str:
        return f"m{self.id}"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title_en or self.title_sv!r}>"


REPLY_ACCEPTED, REPLY_DECLINED = "accepted", "declined"
REPLIES = (REPLY_ACCEPTED, REPLY_DECLINED)


def new_nonce() -> str:
    """Return a fresh nonce for a delegate's reply links (a new row never takes an old link)."""
    return secrets.token_hex(16)


class Delegate(db.Model):
    """A person taking part in a one-off meeting or in one occurrence of a series.

    One table for both, so invitations, replies and their links work the same way: a
    delegate belongs to a meeting (meeting_id) or to an occurrence (series_id and the
    occurrence's original start), never both.
    """

    __tablename__ = "meeting_delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_series.id", ondelete="CASCADE")
    )
    original_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(5), default="sv")
    # The sequence (the meeting's, or the occurrence's as the feeds show it) of the last
    # invitation, update or cancellation this delegate was sent (None: never invited,
    # so never sent updates or a cancellation either).
    invited_sequence: Mapped[int | None] = mapped_column()
    # The answer given through the reply links, and when; None: no answer yet.
    reply: Mapped[str | None] = mapped_column(sa.String(10))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_nonce, server_default="")
    # When the delegate's name and contact details were erased (records plan or a person's
    # request); the reply stays for the counts.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting | None] = relationship(back_populates="delegates")
    series: Mapped[MeetingSeries | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "email"),
        sa.UniqueConstraint("series_id", "original_start", "email"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint("email <> ''", name="email_not_empty"),
        sa.CheckConstraint("language IN ('sv', 'en')", name="language_known"),
        sa.CheckConstraint(
            "(meeting_id IS NULL AND series_id IS NOT NULL AND original_start IS NOT NULL)"
            " OR (meeting_id IS NOT NULL AND series_id IS NULL AND original_start IS NULL)",
            name="one_owner",
        ),
        sa.CheckConstraint(
            "reply IS NULL OR reply IN ('accepted', 'declined')", name="reply_known"
        ),
    )

    @property
    def occurrence_key(self) -> str | None:
        if self.original_start is None:
            return None
        return occurrence_key(self.original_start)


class StandingDelegate(db.Model):
    """A member of a series' standing delegation, copied to each coming occurrence."""

    __tablename__ = "meeting_series_delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(5), default="sv")

    series: Mapped[MeetingSeries] = relationship(back_populates="standing_delegates")

    __table_args__ = (
        sa.UniqueConstraint("series_id", "email"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint("email <> ''", name="email_not_empty"),
        sa.CheckConstraint("language IN ('sv', 'en')", name="language_known"),
    )


class OccurrenceDetail(db.Model):
    """The agenda of one occurrence of a series (keyed like its delegates), public or not.

    One text, as a one-off meeting's agenda: delegates of one meeting read one language.
    """

    __tablename__ = "meeting_occurrence_detail"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    agenda_public: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.UniqueConstraint("series_id", "original_start"),)


class OccurrenceDocument(db.Model):
    """A PDF attached to one occurrence of a series, stored under the instance folder.

    A public record: shown on the public page only when `public`, and its removal audited.
    """

    __tablename__ = "meeting_occurrence_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"))
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    name: Mapped[str] = mapped_column(sa.String(200))
    file: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column()
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinator.id", ondelete="SET NULL")
    )

    __table_args__ = (
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint("file <> ''", name="file_not_empty"),
        sa.CheckConstraint("size >= 0", name="size_not_negative"),
        sa.Index("ix_meeting_occurrence_document_occurrence", "series_id", "original_start"),
        sa.Index("ix_meeting_occurrence_document_created_by_id", "created_by_id"),
    )

    @property
    def occurrence_key(self) -> str:
        return occurrence_key(self.original_start)
