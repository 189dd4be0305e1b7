"""Demo grants for the seed-demo command.

Gothenburg's partnership with Nelson Mandela Bay is funded by Sida through ICLD's
municipal partnership programme: the application is done, the interim report falls due
within the dashboard's 90 days, the final report later. Dates follow the day of seeding.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from app.grants.models import APPLICATION, FINAL_REPORT, INTERIM_REPORT
from app.grants.services import add_obligation, create_grant
from app.partners.models import Partner
from app.partners.services import home_today

ICLD = "ICLD municipal partnership (Sida)"


def seed_demo(city: str, partners: dict[str, Partner], today: date | None = None) -> None:
    """Add this area's demo data for the city (flush, never commit)."""
    today = today or home_today()
    if city != "goteborg" or "nelson-mandela-bay" not in partners:
        return
    nmb = partners["nelson-mandela-bay"]
    project = nmb.projects[0] if nmb.projects else None
    grant = create_grant(
        partner=nmb,
        project=project,
        programme=ICLD,
        title="Accessible city: Gothenburg–Nelson Mandela Bay",
        amount=Decimal("480000.00"),
        currency="SEK",
        reference=f"ICLD-MP-{today.year}-017",
        notes="Municipal partnership grant for the exchange on accessibility in the urban "
        "environment; questions to the partnership's role address, "
        "nmb-partnership@example.org.",
        log=False,
    )
    add_obligation(
        grant,
        kind=APPLICATION,
        due_on=today - timedelta(days=150),
        done_on=today - timedelta(days=155),
        note="Sent through ICLD's application portal.",
        log=False,
    )
    add_obligation(grant, kind=INTERIM_REPORT, due_on=today + timedelta(days=60), log=False)
    add_obligation(grant, kind=FINAL_REPORT, due_on=today + timedelta(days=300), log=False)
