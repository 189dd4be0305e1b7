"""axe-core finds no WCAG 2.1 A/AA violation on any public page, in either language."""

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def public_pages(app) -> list[str]:
    """Every public GET page of the url map, with a real value for each argument."""
    from app.partners.services import public_partners

    samples = {"slug": [p.slug for p in public_partners()]}
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            path = rule.rule
            if path.startswith(("/admin", "/api", "/healthz", "/logout")) or path.endswith(".ics"):
                continue
            if not rule.arguments:
                pages.append(path)
            elif set(rule.arguments) <= samples.keys():
                for value in samples["slug"]:
                    pages.append(path.replace("<slug>", value))
            else:
                pages.append(None)  # a page with arguments this test cannot fill
    return [p for p in pages if p]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_public_pages_have_no_wcag_violations(page, demo_site, app, lang):
    axe = Axe()
    paths = public_pages(app)
    assert "/" in paths and "/partners/" in paths and "/partners/shanghai" in paths
    problems = {}
    for path in paths:
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
