"""axe-core finds no WCAG 2.1 A/AA violation on any public page, in either language."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import scanned_in

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def sample_arguments() -> dict[str, list[str]]:
    """Real values, from the demo data, for each URL argument a public page takes."""
    import sqlalchemy as sa

    from app.exchanges.models import Exchange
    from app.extensions import db
    from app.meetings.models import Delegate, Meeting, MeetingSeries
    from app.meetings.occurrences import upcoming_occurrences
    from app.meetings.replies import reply_token
    from app.partners.services import public_partners
    from app.timeutil import utcnow

    nordic = next(o for o in upcoming_occurrences(utcnow()) if o.is_series).start
    return {
        "slug": [p.slug for p in public_partners()],
        "public_id": [s.public_id for s in db.session.scalars(sa.select(MeetingSeries))]
        + [m.public_id for m in db.session.scalars(sa.select(Meeting))],
        "exchange_id": [str(i) for i in db.session.scalars(sa.select(Exchange.id))],
        # A delegate's reply page, from a demo delegate's link, and a tampered link's page.
        "token": [reply_token(d) for d in db.session.scalars(sa.select(Delegate).limit(1))]
        + ["tampered"],
        # The calendar's year and month pages, at the month of the next Nordic meeting.
        "year": [str(nordic.year)],
        "month": [str(nordic.month)],
    }


def public_pages(app) -> list[str]:
    """Every public GET page of the url map, with each argument filled from the demo data.

    A page whose argument has no sample fails the test, so a new page cannot slip by.
    """
    samples = sample_arguments()
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        if path.startswith(("/admin", "/api", "/healthz", "/logout", "/signups")):
            continue  # coordinators' pages; JSON; a school's own link (its own test)
        if path.endswith((".ics", ".csv", ".json", ".svg")) or "/documents/" in path:
            continue  # files, not pages
        if not rule.arguments:
            pages.append(path)
            continue
        filled = [path]
        for argument in rule.arguments:
            assert samples.get(argument), f"no sample value for <{argument}> in {path}"
            filled = [
                p.replace(f"<{argument}>", value).replace(f"<int:{argument}>", value)
                for p in filled
                for value in samples[argument]
            ]
        pages.extend(filled)
    return pages


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_public_pages_have_no_wcag_violations(page, demo_site, app, lang):
    axe = Axe()
    paths = public_pages(app)
    assert {"/", "/partners/", "/partners/shanghai", "/meetings/", "/exchanges/"} <= set(paths)
    assert "/calendar/" in paths and any(p.startswith("/calendar/2") for p in paths)
    assert any(p.startswith("/meetings/s") for p in paths)
    assert any(p.startswith("/exchanges/") and p[-1].isdigit() for p in paths)
    problems = {}
    for path in scanned_in(lang, paths):
        page.goto(f"{demo_site.url}{path}?lang={lang}")
        results = axe.run(page, options=WCAG)
        if results.violations_count:
            problems[path] = results.generate_report()
    assert not problems, "\n".join(f"{p}:\n{r}" for p, r in problems.items())


def test_error_page_has_no_wcag_violations(page, demo_site):
    response = page.goto(f"{demo_site.url}/partners/atlantis?lang=en")
    assert response.status == 404
    assert Axe().run(page, options=WCAG).violations_count == 0


def test_login_page_with_errors_has_no_wcag_violations(page, demo_site):
    page.goto(f"{demo_site.url}/login?lang=sv")
    page.get_by_role("button", name="Logga in").click()
    assert Axe().run(page, options=WCAG).violations_count == 0
