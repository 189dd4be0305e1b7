"""Demo agreements for the seed-demo command.

Dates are computed from the day of seeding, so the demo stays valid: Shanghai's current
term always has its decision date ahead, Nelson Mandela Bay's decision falls due within
the dashboard's 180 days, and Chicago has a memorandum that ran out unrenewed.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.agreements.models import (
    MEMORANDUM,
    OTHER,
    PARTNER_CITY_AGREEMENT,
    Agreement,
    decision_date,
    term_end,
)
from app.agreements.services import create_agreement, home_today
from app.partners.models import Partner

SHANGHAI_SIGNATORIES = "Mayor of Shanghai; Chair of the City Executive Board, Gothenburg"


def shanghai_chain(partner: Partner, today: date) -> list[Agreement]:
    """Three-year memoranda since 1986, each renewing the last, up to a term whose
    decision date is still ahead."""
    terms: list[Agreement] = []
    starts_on = date(1986, 1, 1)
    previous = None
    while True:
        ends_on = term_end(starts_on)
        previous = create_agreement(
            partner,
            kind=MEMORANDUM,
            title=f"Memorandum of understanding {starts_on.year}–{ends_on.year}",
            starts_on=starts_on,
            ends_on=ends_on,
            signed_on=starts_on - timedelta(days=45),
            signatories=SHANGHAI_SIGNATORIES,
            notes="Work programme: urban development, culture, trade and education.",
            renews=previous,
            log=False,
        )
        terms.append(previous)
        if decision_date(ends_on, previous.decision_lead_days) > today:
            return terms
        starts_on = ends_on + timedelta(days=1)


def _term_ending(partner: Partner, ends_on: date, title: str, **fields: object) -> Agreement:
    starts_on = ends_on - timedelta(days=3 * 365) + timedelta(days=1)
    fields.setdefault("kind", MEMORANDUM)
    fields.setdefault("signed_on", starts_on - timedelta(days=30))
    return create_agreement(
        partner, title=title, starts_on=starts_on, ends_on=ends_on, log=False, **fields
    )


def seed_demo(city: str, partners: dict[str, Partner], today: date | None = None) -> None:
    """Add this area's demo data for the city (flush, never commit)."""
    today = today or home_today()
    if city == "goteborg":
        shanghai_chain(partners["shanghai"], today)
        create_agreement(
            partners["shanghai"],
            kind=PARTNER_CITY_AGREEMENT,
            title="Partner-city agreement Gothenburg–Shanghai",
            starts_on=date(1986, 1, 1),
            ends_on=date(today.year + 10, 12, 31),
            signed_on=date(1985, 11, 15),
            decision_lead_days=365,
            log=False,
        )
        # Nelson Mandela Bay: an earlier term renewed, the current one's decision soon.
        nmb = partners["nelson-mandela-bay"]
        current_end = today + timedelta(days=200)
        first = _term_ending(
            nmb,
            current_end - timedelta(days=3 * 365),
            "ICLD partnership: accessible city",
            signatories="Executive Mayor of Nelson Mandela Bay; City of Gothenburg",
        )
        create_agreement(
            nmb,
            kind=MEMORANDUM,
            title="ICLD partnership: rebuilding urban spaces",
            starts_on=first.ends_on + timedelta(days=1),
            ends_on=current_end,
            signed_on=first.ends_on - timedelta(days=60),
            renews=first,
            log=False,
        )
        _term_ending(
            partners["chicago"], today - timedelta(days=60), "Memorandum on culture and trade"
        )
        create_agreement(
            partners["lyon"],
            kind=OTHER,
            title="Cooperation agreement Lyon–Gothenburg",
            starts_on=date(1990, 1, 1),
            ends_on=date(today.year + 4, 12, 31),
            signed_on=date(1989, 12, 1),
            decision_lead_days=365,
            log=False,
        )
        for slug in ("aarhus", "bergen"):
            _term_ending(
                partners[slug],
                date(today.year + 2, 12, 31),
                "Nordic twin-town cooperation",
                kind=PARTNER_CITY_AGREEMENT,
            )
        # Åbo: a new memorandum still being drafted.
        create_agreement(
            partners["turku"],
            kind=MEMORANDUM,
            title="Memorandum on youth exchanges (draft)",
            starts_on=date(today.year + 1, 1, 1),
            log=False,
        )
    elif city == "molndal":
        for slug in ("albertslund", "borken", "canterbury-whitstable"):
            _term_ending(
                partners[slug],
                date(today.year + 1, 12, 31),
                "Twin-town cooperation",
                kind=PARTNER_CITY_AGREEMENT,
            )
