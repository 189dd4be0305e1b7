"""Browser tests run against SQLite: the database half is covered by the other tests."""

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from app.extensions import db
from tests.conftest import seed_demo

# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core tags its 2.2 rules, such
# as the size of pointer targets, "wcag22aa"). EN 301 549 follows WCAG 2.2 AA.
WCAG = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    }
}


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def demo_site(app, live_server):
    """The live server with the Göteborg demo data."""
    seed_demo("goteborg")
    db.session.commit()
    return live_server


def _scan(self, page, context=None, options=None) -> AxeResults:
    """Axe.run, with axe-core injected once per browser context instead of once per scan.

    After the first scan of a context every page it loads gets axe-core as it loads
    (an init script), which costs far less than sending the 500 kB script to each page.
    Only violations are reported in full (`resultTypes`): passes and the rest stay out of
    the answer, which nobody reads. The rules that run and what they check are the same.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.context.add_init_script(script=self.axe_script)
        page.evaluate(self.axe_script)
    options = {"resultTypes": ["violations"], **(options or {})}
    args = self._format_script_args(context=context, options=options)
    return AxeResults(page.evaluate(f"axe.run({args})"))


@pytest.fixture(scope="session", autouse=True)
def _axe_injected_once():
    original = Axe.run
    Axe.run = _scan
    yield
    Axe.run = original


def log_in(page, site, lang: str = "sv") -> None:
    """Log the demo coordinator in through the login form."""
    page.goto(f"{site.url}/login?lang={lang}")
    page.get_by_label("E-post" if lang == "sv" else "E-mail").fill(DEMO_COORDINATOR_EMAIL)
    page.get_by_label("Lösenord" if lang == "sv" else "Password").fill(DEMO_COORDINATOR_PASSWORD)
    page.get_by_role("button", name="Logga in" if lang == "sv" else "Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Arbetsyta" if lang == "sv" else "Workspace"
    )
