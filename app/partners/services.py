"""Partner operations and queries: plain functions that flush, never commit."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.partners.models import (
    HOME,
    PUBLIC_KINDS,
    Contact,
    Partner,
    PartnerLink,
    Project,
    Theme,
)
from app.timeutil import is_valid_timezone, to_local, utcnow

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The order in which kinds are listed on pages.
KIND_ORDER = {kind: i for i, kind in enumerate(PUBLIC_KINDS)}


def slugify(text: str) -> str:
    """Return a URL slug: Århus -> arhus, Nelson Mandela Bay -> nelson-mandela-bay."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def public_partners() -> list[Partner]:
    """Return every partner shown to the public, grouped by kind, then by name."""
    partners = db.session.scalars(
        sa.select(Partner)
        .where(Partner.kind.in_(PUBLIC_KINDS))
        .options(
            selectinload(Partner.themes), selectinload(Partner.links).joinedload(PartnerLink.other)
        )
    ).all()
    return sorted(partners, key=lambda p: (KIND_ORDER[p.kind], p.name.casefold()))


class PartnerSummary(NamedTuple):
    """A public partner in a list or a filter's options: no database object, so it can be
    kept across requests."""

    id: int
    slug: str
    name: str
    kind: str
    country: str | None
    since_year: int | None


def partner_summaries() -> list[PartnerSummary]:
    """Return the public partners in `public_partners`' order, without their themes and
    links, kept per process by the data version (a partner's change moves it)."""
    from app.calendar import version

    def build() -> list[PartnerSummary]:
        rows = db.session.execute(
            sa.select(*(getattr(Partner, f) for f in PartnerSummary._fields)).where(
                Partner.kind.in_(PUBLIC_KINDS)
            )
        )
        found = [PartnerSummary(*r) for r in rows]
        return sorted(found, key=lambda p: (KIND_ORDER[p.kind], p.name.casefold()))

    return list(version.kept("partner-summaries", None, build, size=2))


def home_partner(*, with_links: bool = False) -> Partner | None:
    """Return the home municipality's own row, if the data has one (with its links, if asked)."""
    query = sa.select(Partner).where(Partner.kind == HOME).limit(1)
    if with_links:
        query = query.options(selectinload(Partner.links).joinedload(PartnerLink.other))
    return db.session.scalar(query)


def home_timezone(home: Partner | None = None) -> str:
    """Return the home municipality's IANA zone: its own row's, else HOME_TIMEZONE."""
    home = home if home is not None else home_partner()
    if home is not None and home.timezone and is_valid_timezone(home.timezone):
        return home.timezone
    return current_app.config["HOME_TIMEZONE"]


def home_today(now: datetime | None = None) -> date:
    """Return the date it is in the home municipality (the office's 'today')."""
    return to_local(now or utcnow(), home_timezone()).date()


def partner_by_slug(slug: str) -> Partner | None:
    """Return the public partner with this slug, with everything its page shows."""
    return db.session.scalar(
        sa.select(Partner)
        .where(Partner.slug == slug, Partner.kind.in_(PUBLIC_KINDS))
        .options(
            selectinload(Partner.themes),
            selectinload(Partner.contacts),
            selectinload(Partner.projects),
            selectinload(Partner.links).joinedload(PartnerLink.other),
        )
    )


def linked_from(partner: Partner) -> list[PartnerLink]:
    """Return the links that point at this partner (e.g. the members of a network)."""
    return list(
        db.session.scalars(
            sa.select(PartnerLink)
            .where(PartnerLink.other_id == partner.id)
            .options(sa.orm.joinedload(PartnerLink.partner))
        )
    )


def theme(slug: str, name_sv: str, name_en: str) -> Theme:
    """Return the theme with this slug, creating it when new."""
    found = db.session.scalar(sa.select(Theme).where(Theme.slug == slug))
    if found is None:
        found = Theme(slug=slug, name_sv=name_sv, name_en=name_en)
        db.session.add(found)
        db.session.flush()
    return found


def add_partner(
    *,
    name: str,
    kind: str,
    slug: str | None = None,
    themes: Iterable[Theme] = (),
    **fields: object,
) -> Partner:
    """Add a partner; the slug is derived from the name unless given."""
    slug = slug or slugify(name)
    if not SLUG_RE.match(slug):
        raise ValueError(f"Not a valid slug: {slug!r}")
    partner = Partner(name=name, kind=kind, slug=slug, **fields)
    partner.themes = list(themes)
    db.session.add(partner)
    db.session.flush()
    return partner


def add_contact(partner: Partner, **fields: object) -> Contact:
    contact = Contact(partner=partner, **fields)
    db.session.add(contact)
    db.session.flush()
    return contact


def add_project(partner: Partner, **fields: object) -> Project:
    project = Project(partner=partner, **fields)
    db.session.add(project)
    db.session.flush()
    return project


def link(partner: Partner, other: Partner, kind: str) -> PartnerLink:
    """Link two partners once; a second call returns the existing link."""
    existing = db.session.scalar(
        sa.select(PartnerLink).where(
            PartnerLink.partner_id == partner.id,
            PartnerLink.other_id == other.id,
            PartnerLink.kind == kind,
        )
    )
    if existing is not None:
        return existing
    created = PartnerLink(partner=partner, other=other, kind=kind)
    db.session.add(created)
    db.session.flush()
    return created
