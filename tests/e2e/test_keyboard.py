"""With the keyboard alone: the skip link, a visible focus everywhere, and the error summary
that takes the focus after a failed submit and links each error to its field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

# What the browser draws around the focused element, and the colour behind the element.
FOCUS_STYLE = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  let back = 'rgba(0, 0, 0, 0)';
  for (let a = e; a && back.replace(/\\s/g, '').endsWith(',0)'); a = a.parentElement) {
    back = getComputedStyle(a).backgroundColor;
  }
  if (back.replace(/\\s/g, '').endsWith(',0)')) back = 'rgb(255, 255, 255)';
  return {
    element: e.outerHTML.slice(0, 80),
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
    outlineColor: s.outlineColor, boxShadow: s.boxShadow, background: back,
    isBody: e === document.body,
  };
}"""


def _rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_knows_black_on_white():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)") < 3  # the old yellow ring


def test_the_skip_link_is_the_first_stop_shows_on_focus_and_leads_to_the_content(page, demo_site):
    page.goto(f"{demo_site.url}/partners/?lang=en")
    link = page.get_by_role("link", name="Skip to content")
    assert link.bounding_box()["x"] < 0  # out of sight until it has the focus
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0  # now on screen
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is inside the content, not back in the header.
    assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize(
    "path,logged_in",
    [("/exchanges/1", False), ("/admin/agreements/", True)],
    ids=["sign-up form", "workspace list"],
)
def test_every_focus_stop_shows_a_ring_that_stands_out_from_its_background(
    page, demo_site, path, logged_in
):
    if logged_in:
        log_in(page, demo_site, "en")
    page.goto(f"{demo_site.url}{path}?lang=en")
    weak = []
    stops = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if style["isBody"]:
            break
        stops += 1
        colours = [style["outlineColor"]] if style["outlineStyle"] != "none" else []
        colours += re.findall(r"rgba?\([^)]*\)", style["boxShadow"])
        best = max((contrast(c, style["background"]) for c in colours), default=0)
        if style["outlineStyle"] == "none" or style["outlineWidth"] < 2 or best < 3:
            weak.append((style["element"], style["outlineColor"], style["background"], best))
    assert stops > 10
    assert not weak, "\n".join(map(str, weak))


def _submit_empty_signup(page, site) -> None:
    page.goto(f"{site.url}/exchanges/1?lang=en")
    page.get_by_role("button", name="Sign up").click()


@pytest.mark.parametrize("script", [True, False], ids=["with script", "without script"])
def test_after_a_failed_sign_up_the_focus_is_on_the_error_summary(browser, demo_site, script):
    context = browser.new_context(locale="en-GB", java_script_enabled=script)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _submit_empty_signup(page, demo_site)
        summary = page.get_by_role("alert")
        expect(summary).to_be_focused()
        expect(summary).to_have_accessible_name("Please correct the following")
        expect(summary.get_by_role("link")).not_to_have_count(0)
    finally:
        context.close()


def test_each_error_in_the_summary_links_to_its_field(page, demo_site):
    _submit_empty_signup(page, demo_site)
    summary = page.get_by_role("alert")
    links = summary.get_by_role("link")
    labels = links.all_inner_texts()
    assert {"School", "Contact person", "Contact e-mail", "Pupils travelling"} <= set(labels)
    for i, label in enumerate(labels):
        link = links.nth(i)
        target = link.get_attribute("href")
        field = page.locator(target)
        expect(field).to_have_count(1)
        expect(field).to_have_attribute("aria-invalid", "true")
        # The field's label is the one the summary names, and its error is tied to it.
        expect(page.get_by_label(label, exact=True)).to_have_attribute("id", target[1:])
        described = field.get_attribute("aria-describedby").split()
        assert any(page.locator(f"#{i}.errors").count() for i in described), label
        link.click()
        expect(field).to_be_focused()


def test_the_sign_up_form_links_to_the_privacy_notice(page, demo_site):
    page.goto(f"{demo_site.url}/exchanges/1?lang=en")
    form = page.locator("form", has=page.get_by_role("button", name="Sign up"))
    form.get_by_role("link", name="How we handle your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we handle your personal data")
    expect(page.get_by_text("the contact person's name and e-mail address")).to_be_visible()
