"""The one visual style of every picture: small SVG building blocks (pure, no Flask).

Pictures are server-rendered SVG with no `style` attribute, `<style>` element or script:
every colour comes from a CSS class in `app/static/css/vanort.css` (`.chart` and the
`chart-*`, `tone-*`, `pat-*` classes), so a strict Content-Security-Policy holds and the
colours stay in one place. Meaning never rests on colour alone: each tone comes with a
pattern (`pattern_defs`) or a word, and every chart's numbers are also shown as a table
by the page that draws it.

An SVG served on its own (an image URL) starts with `stylesheet_pi()`, which points the
browser at the same stylesheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

FONT = 14  # px in viewBox units; text classes scale from it
CHAR_WIDTH = 0.6  # an average glyph's width, in ems, for sizing boxes around text

# Size classes by the widest viewBox they hold (`.chart-s` is at most 25rem wide, ...).
SIZES = (("s", 400), ("m", 640), ("l", 960))

# Fill patterns by name: the marks drawn on a white tile. Each is usable in any tone.
PATTERNS = {
    "hatch": '<path class="pat-ink" d="M0 0V8"/>',  # rotated 45 degrees: diagonal stripes
    "cross": '<path class="pat-ink" d="M0 0L8 8M8 0L0 8"/>',
    "dots": '<circle class="pat-dot" cx="4" cy="4" r="1.6"/>',
    "lines": '<path class="pat-ink" d="M0 4H8"/>',
    "vlines": '<path class="pat-ink" d="M4 0V8"/>',
}
ROTATED = {"hatch"}


def fmt(value: float) -> str:
    """Return a coordinate as short, stable text: 12, 12.5, never 12.000000001."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float = FONT) -> float:
    """Return the estimated width of a line of text (for boxes around labels)."""
    return len(text) * size * CHAR_WIDTH


def attrs(**values: object) -> str:
    """Return escaped XML attributes; a trailing underscore is dropped (class_ -> class)."""
    parts = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")
        shown = fmt(value) if isinstance(value, float) else str(value)
        parts.append(f' {name}="{escape(shown)}"')
    return "".join(parts)


def open_svg(
    width: float,
    height: float,
    *,
    prefix: str,
    title: str,
    description: str,
    kind: str,
    image: bool = True,
) -> list[str]:
    """Return the opening of a picture: the root element, its title and description.

    `image`: a picture with nothing to interact with is one image (role="img"); one with
    links inside (the partner graph) keeps its children reachable and is a group.
    """
    role = "img" if image else "group"
    # Never drawn larger than its own size: a class caps the width (CSS, no style attribute).
    bucket = next((n for n, most in SIZES if width <= most), "xl")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg"{attrs(class_=f"chart chart-{kind} chart-{bucket}")} '
        f'role="{role}" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'viewBox="0 0 {fmt(width)} {fmt(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
    ]


def pattern_defs(prefix: str, wanted: Iterable[tuple[str, str]]) -> str:
    """Return <defs> with a pattern per (pattern, tone), each with id `{prefix}-{pattern}-{tone}`."""
    out = ["<defs>"]
    for name, tone in wanted:
        rotate = ' patternTransform="rotate(45)"' if name in ROTATED else ""
        out.append(
            f'<pattern id="{pattern_id(prefix, name, tone)}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse"{rotate}>'
            f'<rect class="pat-bg" width="8" height="8"/>'
            f'<g class="tone-{tone}">{PATTERNS[name]}</g></pattern>'
        )
    out.append("</defs>")
    return "".join(out)


def pattern_id(prefix: str, name: str, tone: str) -> str:
    return f"{prefix}-{name}-{tone}"


def fill(prefix: str, name: str, tone: str) -> str:
    """Return a fill attribute that points at a pattern (an attribute, not a style)."""
    return f"url(#{pattern_id(prefix, name, tone)})"


def rect(x: float, y: float, w: float, h: float, cls: str, **extra: object) -> str:
    return f"<rect{attrs(x=float(x), y=float(y), width=float(w), height=float(h), class_=cls, **extra)}/>"


def line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return f"<line{attrs(x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), class_=cls)}/>"


def text(
    x: float, y: float, words: str, cls: str = "", anchor: str = "start", **extra: object
) -> str:
    anchor_attr = None if anchor == "start" else anchor
    return (
        f"<text{attrs(x=float(x), y=float(y), class_=cls or None, text_anchor=anchor_attr, **extra)}>"
        f"{escape(words)}</text>"
    )


def legend(
    items: list[tuple[Callable[[float, float], str], str]],
    x: float,
    y: float,
    width: float,
    *,
    swatch: float = 24,
) -> tuple[list[str], float]:
    """Lay out legend entries (a function drawing the swatch at x, y; a word) in rows.

    Returns the markup and the height used. Entries wrap to a new row when `width` is full.
    """
    out: list[str] = []
    cx, cy, row = x, y, FONT + 12
    for draw, word in items:
        need = swatch + 8 + text_width(word) + 20
        if cx > x and cx + need > x + width:
            cx, cy = x, cy + row
        out.append(draw(cx, cy))
        out.append(text(cx + swatch + 6, cy + FONT - 2, word, "chart-legend-text"))
        cx += need
    return out, cy + row - y


def close(parts: list[str]) -> Markup:
    """Return the finished picture (every text above was escaped on the way in)."""
    return Markup("\n".join([*parts, "</svg>"]))  # noqa: S704


def stylesheet_pi(href: str) -> str:
    """Return the processing instruction that styles an SVG served as its own file."""
    return f'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet type="text/css" href="{escape(href)}"?>\n'
