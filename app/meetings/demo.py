"""Demo meetings for the seed-demo command."""

from __future__ import annotations

from app.partners.models import Partner


def seed_demo(city: str, partners: dict[str, Partner]) -> None:
    """Add this area's demo data for the city (flush, never commit)."""
