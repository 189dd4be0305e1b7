"""Partner cities, twin towns, networks, their projects, contacts and links."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

# The kinds of partner, in the municipality's words.
HOME = "home"  # the municipality itself: hosts meetings in the rotation, sends pupils
PARTNER_CITY = "partner_city"
TWIN_TOWN = "twin_town"
ASSOCIATED_TOWN = "associated_town"  # a twin town of one of our twin towns
NETWORK = "network"
KINDS = (HOME, PARTNER_CITY, TWIN_TOWN, ASSOCIATED_TOWN, NETWORK)
PUBLIC_KINDS = (PARTNER_CITY, TWIN_TOWN, ASSOCIATED_TOWN, NETWORK)

LINK_TWIN_TOWN = "twin_town"
LINK_MEMBER_OF = "member_of"
LINK_KINDS = (LINK_TWIN_TOWN, LINK_MEMBER_OF)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


partner_theme = sa.Table(
    "partner_theme",
    db.metadata,
    sa.Column("partner_id", sa.ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(db.Model):
    """A theme of cooperation, such as culture or sustainable transport."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name_sv: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))

    __table_args__ = (sa.CheckConstraint("slug <> ''", name="slug_not_empty"),)


class Partner(db.Model):
    """A partner city, twin town, network, or the home municipality itself."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Other spellings, comma separated: Aarhus beside Århus, Turku beside Åbo.
    other_names: Mapped[str] = mapped_column(sa.String(200), default="")
    country: Mapped[str | None] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    region_sv: Mapped[str] = mapped_column(sa.String(120), default="")
    region_en: Mapped[str] = mapped_column(sa.String(120), default="")
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    since_year: Mapped[int | None] = mapped_column()
    since_approximate: Mapped[bool] = mapped_column(default=False)
    funding: Mapped[str] = mapped_column(sa.String(200), default="")
    description_sv: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Networks only.
    member_count: Mapped[int | None] = mapped_column()
    member_countries: Mapped[int | None] = mapped_column()
    membership_sv: Mapped[str] = mapped_column(sa.Text, default="")
    membership_en: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Loaded where shown (the partner pages): a partner is read on nearly every page.
    themes: Mapped[list[Theme]] = relationship(secondary=partner_theme, order_by=Theme.slug)
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="Contact.id"
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="Project.id"
    )
    links: Mapped[list[PartnerLink]] = relationship(
        back_populates="partner",
        foreign_keys="PartnerLink.partner_id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint(_in("kind", KINDS), name="kind_known"),
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint("since_year IS NULL OR since_year BETWEEN 1000 AND 2200", name="since"),
        sa.CheckConstraint("member_count IS NULL OR member_count >= 0", name="members"),
        sa.CheckConstraint(
            "member_countries IS NULL OR member_countries >= 0", name="member_countries"
        ),
        sa.CheckConstraint("country IS NULL OR length(country) = 2", name="country_code"),
    )

    @property
    def is_network(self) -> bool:
        return self.kind == NETWORK

    @property
    def all_names(self) -> list[str]:
        return [self.name, *(n.strip() for n in self.other_names.split(",") if n.strip())]

    def __repr__(self) -> str:
        return f"<Partner {self.slug}>"


class Contact(db.Model):
    """A role-based contact at a partner (never a private person's details)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id", ondelete="CASCADE"))
    role_sv: Mapped[str] = mapped_column(sa.String(120))
    role_en: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    organisation: Mapped[str] = mapped_column(sa.String(160), default="")

    partner: Mapped[Partner] = relationship(back_populates="contacts")

    __table_args__ = (sa.Index("ix_contact_partner_id", "partner_id"),)


class Project(db.Model):
    """A project within a partnership or a network."""

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id", ondelete="CASCADE"))
    title_sv: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    description_sv: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    starts_year: Mapped[int | None] = mapped_column()
    ends_year: Mapped[int | None] = mapped_column()
    funding: Mapped[str] = mapped_column(sa.String(200), default="")

    partner: Mapped[Partner] = relationship(back_populates="projects")

    __table_args__ = (
        sa.CheckConstraint(
            "starts_year IS NULL OR ends_year IS NULL OR ends_year >= starts_year",
            name="years_in_order",
        ),
        sa.Index("ix_project_partner_id", "partner_id"),
    )


class PartnerLink(db.Model):
    """A link between two partners: a twin town's own twin town, or network membership."""

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))

    partner: Mapped[Partner] = relationship(foreign_keys=[partner_id], back_populates="links")
    other: Mapped[Partner] = relationship(foreign_keys=[other_id], lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("partner_id", "other_id", "kind"),
        sa.CheckConstraint("partner_id <> other_id", name="not_self"),
        sa.CheckConstraint(_in("kind", LINK_KINDS), name="kind_known"),
        sa.Index("ix_partner_link_other_id", "other_id"),
    )
