"""One-line test data: make_partner(...), make_coordinator(...)."""

from __future__ import annotations

import itertools

from app.auth.models import Coordinator
from app.auth.services import create_coordinator
from app.extensions import db
from app.partners import services as partners
from app.partners.models import HOME, PARTNER_CITY, Partner

_counter = itertools.count(1)

PASSWORD = "correct horse battery"


def make_partner(name: str | None = None, kind: str = PARTNER_CITY, **fields: object) -> Partner:
    """Add a partner (committed) with sensible defaults."""
    n = next(_counter)
    fields.setdefault("country", "DK")
    fields.setdefault("timezone", "Europe/Copenhagen")
    partner = partners.add_partner(name=name or f"Partner {n}", kind=kind, **fields)
    db.session.commit()
    return partner


def make_home(name: str = "Göteborg", **fields: object) -> Partner:
    fields.setdefault("country", "SE")
    fields.setdefault("timezone", "Europe/Stockholm")
    return make_partner(name, kind=HOME, **fields)


def make_coordinator(
    email: str | None = None, password: str = PASSWORD, **fields: object
) -> Coordinator:
    """Add a coordinator account (committed)."""
    coordinator = create_coordinator(
        email or f"coordinator{next(_counter)}@example.org", password, **fields
    )
    db.session.commit()
    return coordinator


def discard_committed_mail() -> None:
    """Drop the mail that test data just queued and committed: it is not what is tested.

    Only the rows this session's last commits queued go; mail a request queued stays for
    the outbox job (and the test's inbox) to deliver.
    """
    import sqlalchemy as sa

    from app.mail import OutboxMail

    ids = db.session.info.pop("outbox_committed", None)
    if ids:
        db.session.execute(sa.delete(OutboxMail).where(OutboxMail.id.in_(ids)))
        db.session.commit()
