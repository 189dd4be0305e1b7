"""One-line agreements for tests: make_agreement(partner, ...)."""

from __future__ import annotations

from datetime import date

from app.agreements import services
from app.agreements.models import MEMORANDUM, Agreement
from app.extensions import db
from app.partners.models import Partner
from tests.factories import make_partner


def make_agreement(
    partner: Partner | None = None,
    *,
    starts_on: date = date(2024, 1, 1),
    ends_on: date | None = None,
    signed_on: date | None = date(2023, 12, 1),
    kind: str = MEMORANDUM,
    title: str = "Memorandum of understanding",
    **fields: object,
) -> Agreement:
    """Add a signed memorandum (committed), three years from starts_on unless told."""
    agreement = services.create_agreement(
        partner or make_partner(),
        kind=kind,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        **fields,
    )
    db.session.commit()
    return agreement
