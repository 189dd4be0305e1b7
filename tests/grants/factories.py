"""Grants made in one line for tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.extensions import db
from app.grants import services
from app.grants.models import Grant, GrantObligation


def make_grant(partner=None, **fields: object) -> Grant:
    """Add a grant (committed) with sensible defaults."""
    fields.setdefault("programme", "ICLD municipal partnership (Sida)")
    fields.setdefault("title", "Accessible city")
    fields.setdefault("amount", Decimal("450000"))
    fields.setdefault("currency", "SEK")
    grant = services.create_grant(partner=partner, project=None, log=False, **fields)
    db.session.commit()
    return grant


def make_obligation(
    grant: Grant, kind: str, due_on: date, done_on: date | None = None
) -> GrantObligation:
    """Add an obligation to a grant (committed)."""
    obligation = services.add_obligation(
        grant, kind=kind, due_on=due_on, done_on=done_on, log=False
    )
    db.session.commit()
    return obligation
