"""Workspace operations on partners, networks, projects and contacts (flush, never commit).

Every change is written to the audit log with the values before and after; the lists
behind the workspace's search pages are here too.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import audit
from app.domain import DomainError
from app.extensions import db
from app.partners import services as partners
from app.partners.models import KINDS, Contact, Partner, Project, Theme
from app.partners.signals import place_changed
from app.timeutil import is_valid_timezone

# Paths under /partners/ that are pages of their own, not partners (routes.py).
RESERVED_SLUGS = frozenset({"graph"})

PARTNER_FIELDS = (
    "name",
    "slug",
    "kind",
    "other_names",
    "country",
    "region_sv",
    "region_en",
    "timezone",
    "since_year",
    "since_approximate",
    "funding",
    "description_sv",
    "description_en",
    "member_count",
    "member_countries",
    "membership_sv",
    "membership_en",
)
PROJECT_FIELDS = (
    "title_sv",
    "title_en",
    "description_sv",
    "description_en",
    "starts_year",
    "ends_year",
    "funding",
)
CONTACT_FIELDS = ("role_sv", "role_en", "email", "phone", "organisation")


class WorkspaceError(DomainError):
    """A change to a partner, project or contact that the rules refuse."""


def _clean(values: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}


def _check_partner(values: dict, partner: Partner | None = None) -> dict:
    values = _clean(values)
    if not values.get("name"):
        raise WorkspaceError(_l("Give the partner a name."), "name")
    values["slug"] = values.get("slug") or partners.slugify(values["name"])
    if values["slug"] in RESERVED_SLUGS:
        raise WorkspaceError(_l("This address name belongs to a page of the site."), "slug")
    if not partners.SLUG_RE.match(values["slug"]):
        raise WorkspaceError(
            _l("Use only lower-case letters a–z, digits and hyphens in the address name."), "slug"
        )
    taken = db.session.scalar(
        sa.select(Partner.id).where(
            Partner.slug == values["slug"], Partner.id != (partner.id if partner else -1)
        )
    )
    if taken is not None:
        raise WorkspaceError(_l("Another partner already uses this address name."), "slug")
    if values.get("kind") not in KINDS:
        raise WorkspaceError(_l("Choose a kind of partner."), "kind")
    country = (values.get("country") or "").upper() or None
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise WorkspaceError(_l("Give the country as a two-letter code, such as SE."), "country")
    values["country"] = country
    if values.get("timezone") and not is_valid_timezone(values["timezone"]):
        raise WorkspaceError(_l("This is not a time zone we know."), "timezone")
    values["timezone"] = values.get("timezone") or None
    return values


def create_partner(themes: Iterable[Theme] = (), **values: object) -> Partner:
    """Add a partner or network from the workspace, recorded in the audit log."""
    values = _check_partner(values)
    partner = partners.add_partner(themes=themes, **values)
    audit.record(audit.CREATE, partner, summary=partner.name)
    return partner


def _update_audited(obj, fields, check, values: dict, summary) -> object:
    """Check the merged values, set the ones given, and record before and after."""
    merged = check({f: getattr(obj, f) for f in fields} | values)
    before = audit.snapshot(obj)
    for name in values:
        setattr(obj, name, merged[name])
    db.session.flush()
    audit.record(audit.UPDATE, obj, before=before, summary=summary(obj)[:300])
    return obj


def _delete_audited(obj, summary: str) -> None:
    """Delete a row and record what it held."""
    before = audit.snapshot(obj)
    object_type, object_id = type(obj).__name__, obj.id
    db.session.delete(obj)
    db.session.flush()
    audit.record(
        audit.DELETE,
        object_type=object_type,
        object_id=object_id,
        before=before,
        summary=summary[:300],
    )


def update_partner(partner: Partner, **values: object) -> Partner:
    """Change a partner's fields, recording before and after.

    A new name or time zone moves the meetings and exchanges held there: `place_changed`
    tells the areas that show them, so their calendar entries get a higher SEQUENCE.
    """
    place = (partner.name, partner.timezone)
    updated = _update_audited(
        partner, PARTNER_FIELDS, lambda v: _check_partner(v, partner), values, lambda p: p.name
    )
    if (updated.name, updated.timezone) != place:
        place_changed.send(updated, name_changed=updated.name != place[0])
    return updated


def delete_partner(partner: Partner) -> None:
    """Delete a partner with its projects, contacts and links.

    Refused while anything else (an agreement, a meeting, an exchange) still refers to
    it: the database's foreign keys decide, inside a savepoint so nothing is half-done.
    """
    before = audit.snapshot(partner)
    object_id, name = partner.id, partner.name
    try:
        with db.session.begin_nested():
            db.session.delete(partner)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise WorkspaceError(
            _l("%(name)s still has agreements or other records; remove those first.", name=name)
        ) from None
    audit.record(
        audit.DELETE, object_type="Partner", object_id=object_id, before=before, summary=name
    )


def _check_project(values: dict) -> dict:
    values = _clean(values)
    if not values.get("title_sv") and not values.get("title_en"):
        raise WorkspaceError(_l("Give the project a title in Swedish or English."), "title_sv")
    values["title_sv"] = values.get("title_sv") or values.get("title_en")
    values["title_en"] = values.get("title_en") or values.get("title_sv")
    starts, ends = values.get("starts_year"), values.get("ends_year")
    if starts is not None and ends is not None and ends < starts:
        raise WorkspaceError(_l("The last year must not be before the first year."), "ends_year")
    return values


def create_project(partner: Partner, **values: object) -> Project:
    """Add a project to a partner, recorded in the audit log."""
    project = partners.add_project(partner, **_check_project(values))
    audit.record(audit.CREATE, project, summary=_project_summary(project)[:300])
    return project


def _project_summary(project: Project) -> str:
    return f"{project.partner.name}: {project.title_en}"


def update_project(project: Project, **values: object) -> Project:
    """Change a project's fields, recording before and after."""
    return _update_audited(project, PROJECT_FIELDS, _check_project, values, _project_summary)


def delete_project(project: Project) -> None:
    """Delete a project, recording what it held."""
    _delete_audited(project, _project_summary(project))


def _check_contact(values: dict) -> dict:
    values = _clean(values)
    if not values.get("role_sv") and not values.get("role_en"):
        raise WorkspaceError(_l("Give the contact's role in Swedish or English."), "role_sv")
    values["role_sv"] = values.get("role_sv") or values.get("role_en")
    values["role_en"] = values.get("role_en") or values.get("role_sv")
    return values


def create_contact(partner: Partner, **values: object) -> Contact:
    """Add a contact to a partner, recorded in the audit log."""
    contact = partners.add_contact(partner, **_check_contact(values))
    audit.record(audit.CREATE, contact, summary=_contact_summary(contact)[:300])
    return contact


def _contact_summary(contact: Contact) -> str:
    return f"{contact.partner.name}: {contact.role_en}"


def update_contact(contact: Contact, **values: object) -> Contact:
    """Change a contact's fields, recording before and after."""
    return _update_audited(contact, CONTACT_FIELDS, _check_contact, values, _contact_summary)


def delete_contact(contact: Contact) -> None:
    """Delete a contact, recording what it held."""
    _delete_audited(contact, _contact_summary(contact))


# --- lists ---------------------------------------------------------------------------

PARTNER_SORTS = {
    "name": sa.func.lower(Partner.name),
    "kind": Partner.kind,
    "country": Partner.country,
    "since": Partner.since_year,
}


def search_partners(
    *, q: str = "", kind: str = "", sort: str = "name", descending: bool = False
) -> list[Partner]:
    """Return partners matching a search on names, filtered by kind, sorted."""
    stmt = sa.select(Partner)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            sa.or_(
                Partner.name.ilike(like), Partner.other_names.ilike(like), Partner.slug.ilike(like)
            )
        )
    if kind:
        stmt = stmt.where(Partner.kind == kind)
    column = PARTNER_SORTS.get(sort, PARTNER_SORTS["name"])
    order = column.desc() if descending else column.asc()
    stmt = stmt.order_by(order.nulls_last(), sa.func.lower(Partner.name))
    return list(db.session.scalars(stmt))


PROJECT_SORTS = {
    "title": sa.func.lower(Project.title_en),
    "partner": sa.func.lower(Partner.name),
    "starts": Project.starts_year,
    "ends": Project.ends_year,
}


def search_projects(*, q: str = "", sort: str = "title", descending: bool = False) -> list:
    """Return projects matching a search on titles and partner names, sorted."""
    stmt = sa.select(Project).join(Project.partner).options(sa.orm.contains_eager(Project.partner))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            sa.or_(
                Project.title_sv.ilike(like), Project.title_en.ilike(like), Partner.name.ilike(like)
            )
        )
    column = PROJECT_SORTS.get(sort, PROJECT_SORTS["title"])
    order = column.desc() if descending else column.asc()
    return list(db.session.scalars(stmt.order_by(order.nulls_last(), Project.id)))


CONTACT_SORTS = {
    "role": sa.func.lower(Contact.role_en),
    "partner": sa.func.lower(Partner.name),
    "email": sa.func.lower(Contact.email),
    "organisation": sa.func.lower(Contact.organisation),
}


def search_contacts(*, q: str = "", sort: str = "partner", descending: bool = False) -> list:
    """Return contacts matching a search on roles, addresses and partner names, sorted."""
    stmt = sa.select(Contact).join(Contact.partner).options(sa.orm.contains_eager(Contact.partner))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            sa.or_(
                Contact.role_sv.ilike(like),
                Contact.role_en.ilike(like),
                Contact.email.ilike(like),
                Contact.organisation.ilike(like),
                Partner.name.ilike(like),
            )
        )
    column = CONTACT_SORTS.get(sort, CONTACT_SORTS["partner"])
    order = column.desc() if descending else column.asc()
    return list(db.session.scalars(stmt.order_by(order.nulls_last(), Contact.id)))
