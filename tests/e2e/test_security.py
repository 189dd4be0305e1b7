"""In a real browser: a school named <script>alert(1)</script> is text, the CSP would block
an inline script anyway, and no page of the site trips the CSP."""

from __future__ import annotations

import pytest

from app.exchanges.links import signup_path
from app.extensions import db
from tests.e2e.conftest import log_in
from tests.e2e.pages import pages
from tests.exchanges.factories import make_exchange, make_signup

XSS = "<script>alert(1)</script>"

RUN_INLINE_SCRIPT = """() => {
  window.__inlineRan = false;
  const s = document.createElement("script");
  s.textContent = "window.__inlineRan = true";
  document.body.append(s);
  return window.__inlineRan;
}"""


@pytest.mark.csp_violations_expected
def test_a_school_named_like_a_script_is_text_and_no_script_runs(page, demo_site, csp_violations):
    exchange = make_exchange(places=40)
    signup = make_signup(exchange, school=XSS)
    db.session.commit()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, demo_site, "en")
    for path in (f"/admin/exchanges/{exchange.id}?lang=en", f"{signup_path(signup)}?lang=en"):
        response = page.goto(demo_site.url + path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert page.get_by_text(XSS).first.is_visible(), path
        assert page.locator("script:not([src])").count() == 0, path
    assert dialogs == []
    assert csp_violations == []
    # Were a script to slip through the escaping, the CSP would still not run it.
    assert page.evaluate(RUN_INLINE_SCRIPT) is False
    page.wait_for_timeout(200)
    assert any("script-src" in v for v in csp_violations), csp_violations
    assert dialogs == []


@pytest.mark.parametrize("workspace", [False, True], ids=["public", "workspace"])
def test_no_page_trips_the_content_security_policy(page, demo_site, app, workspace):
    """Every page of the axe sample list, in one language: the `page` fixture fails the
    test on any CSP violation or CSP error the pages report."""
    if workspace:
        log_in(page, demo_site, "en")
    paths = pages(app, workspace=workspace, all_samples=False)
    for path in paths:
        response = page.goto(f"{demo_site.url}{path}{'&' if '?' in path else '?'}lang=en")
        assert response.status < 500, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert len(paths) > 10
