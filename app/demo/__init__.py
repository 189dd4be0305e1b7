"""Demo data drawn from the municipalities' own pages (role addresses at example.org only)."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import ADMINISTRATOR, Coordinator
from app.auth.services import create_coordinator
from app.demo import goteborg, molndal
from app.extensions import db
from app.partners import services as partners
from app.partners.models import Partner, PartnerLink

CITIES = {"goteborg": goteborg, "molndal": molndal}

DEMO_COORDINATOR_EMAIL = "coordinator@example.org"
DEMO_COORDINATOR_PASSWORD = "vanort-demo"  # noqa: S105 (published demo login)


def database_is_empty() -> bool:
    """Tell whether the database holds no partners and no coordinators."""
    return (
        db.session.scalar(sa.select(Partner.id).limit(1)) is None
        and db.session.scalar(sa.select(Coordinator.id).limit(1)) is None
    )


def clear_all() -> None:
    """Delete every row of every table, children first, but the installation's identity
    (the UIDs its calendars have sent must stay the same)."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in ("alembic_version", "installation"):
            db.session.execute(table.delete())
    db.session.flush()


def _seed_partners(data: dict) -> dict[str, Partner]:
    themes = {slug: partners.theme(slug, sv, en) for slug, (sv, en) in data["themes"].items()}
    by_slug: dict[str, Partner] = {}
    for row in data["partners"]:
        row = dict(row)
        contacts = row.pop("contacts", [])
        projects = row.pop("projects", [])
        theme_slugs = row.pop("themes", [])
        partner = partners.add_partner(themes=[themes[t] for t in theme_slugs], **row)
        for contact in contacts:
            partners.add_contact(partner, **contact)
        for project in projects:
            partners.add_project(partner, **project)
        by_slug[partner.slug] = partner
    for slug, other, kind in data["links"]:
        partners.link(by_slug[slug], by_slug[other], kind)
    return by_slug


def seed(city: str) -> dict[str, Partner]:
    """Load one municipality's demo data into the session (flushes, does not commit)."""
    from app.demo import agreements as agreements_demo
    from app.demo import exchanges as exchanges_demo
    from app.demo import grants as grants_demo
    from app.demo import meetings as meetings_demo

    by_slug = _seed_partners(CITIES[city].DATA)
    if (
        db.session.scalar(sa.select(Coordinator).where(Coordinator.email == DEMO_COORDINATOR_EMAIL))
        is None
    ):
        # The published demo login is weak by design; it runs the installation, so it is
        # an administrator.
        create_coordinator(
            DEMO_COORDINATOR_EMAIL,
            DEMO_COORDINATOR_PASSWORD,
            name="Demo coordinator",
            role=ADMINISTRATOR,
            check_policy=False,
        )
    for module in (agreements_demo, meetings_demo, exchanges_demo, grants_demo):
        module.seed_demo(city, by_slug)
    db.session.flush()
    return by_slug


__all__ = ["PartnerLink", "clear_all", "database_is_empty", "seed"]
