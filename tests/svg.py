"""Pictures in pages: find an SVG in a page and parse it as XML (it must be well formed)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def svgs(html: str) -> list[ET.Element]:
    """Return every <svg> of a page, parsed (a picture that is not well-formed XML fails)."""
    # The app's own markup, not untrusted input.
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]  # noqa: S314


def svg(html: str, kind: str | None = None) -> ET.Element:
    """Return the page's one picture (of this chart kind, e.g. "graph"), parsed."""
    found = [s for s in svgs(html) if kind is None or f"chart-{kind}" in s.get("class", "")]
    assert found, f"no {kind or ''} picture on the page"
    return found[0]


def texts(element: ET.Element) -> list[str]:
    """Return every text of a picture, in order."""
    return ["".join(t.itertext()) for t in element.iter(f"{NS}text")]


def assert_accessible_picture(picture: ET.Element) -> None:
    """A picture named by its <title> and <desc>, scaling to its box, with no inline style
    or script (the strict Content-Security-Policy of step 12)."""
    ids = {e.get("id"): e for e in picture.iter() if e.get("id")}
    labelled = picture.get("aria-labelledby", "").split()
    assert [ids[i].tag for i in labelled] == [f"{NS}title", f"{NS}desc"]
    assert all((ids[i].text or "").strip() for i in labelled)
    assert picture.get("width") == "100%" and picture.get("viewBox")
    assert not [e.tag for e in picture.iter() if e.get("style") is not None]
    assert not [e.tag for e in picture.iter() if any(a.startswith("on") for a in e.attrib)]
    assert not list(picture.iter(f"{NS}style")) and not list(picture.iter(f"{NS}script"))
