"""Browser tests run against SQLite: the database half is covered by the other tests."""

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from tests.conftest import seed_demo


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


def scanned_in(lang: str, paths: list[str]) -> list[str]:
    """Return the pages an accessibility scan covers in a language: all of them in Swedish,
    every other one in English.

    Both languages render the same templates; the Swedish run covers every page, and the
    English run half of them, which catches what depends on the language (the page's lang,
    longer or untranslated labels) at half the cost of scanning everything twice.
    """
    return list(paths) if lang == "sv" else list(paths)[::2]
