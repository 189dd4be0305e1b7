"""The agreement timeline as SVG (pure: terms in, markup out).

Each status has its own fill pattern and outline, explained in a legend, so the picture
reads without colour; today is a labelled vertical line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from app import charts
from app.agreements.models import (
    ACTIVE,
    DECISION_DUE,
    DRAFT,
    ENDED,
    EXPIRED,
    RENEWED,
    STATUSES,
    UPCOMING,
)

LEFT = 190  # room for partner names
RIGHT = 20
TOP = 56  # room for the axis and the today label
ROW = 30
BAR = 18
WIDTH = 1000
PREFIX = "tl"

# Fill pattern and outline per status (CSS classes `tl-<status>` in vanort.css): solid,
# lined, hatched, dotted, dashed, crossed - never colour alone.
FILLS = {
    ACTIVE: None,
    RENEWED: ("lines", "blue"),
    DECISION_DUE: ("hatch", "brown"),
    EXPIRED: ("dots", "grey"),
    DRAFT: None,
    UPCOMING: ("vlines", "blue"),
    ENDED: ("cross", "grey"),
}


def _bar(x: float, y: float, w: float, h: float, status: str, title: str = "") -> str:
    """Return one bar (or legend swatch) in its status's pattern and outline."""
    known = status if status in FILLS else ACTIVE
    pattern = FILLS[known]
    box = charts.attrs(
        x=float(x),
        y=float(y),
        width=float(w),
        height=float(h),
        rx=2.0,
        class_=f"tl-bar tl-{known}",
        fill=charts.fill(PREFIX, *pattern) if pattern else None,
        data_status=status if title else None,
    )
    if not title:
        return f"<rect{box}/>"
    return f"<rect{box}><title>{escape(title)}</title></rect>"


@dataclass(frozen=True)
class Term:
    """One bar of the timeline."""

    starts_on: date
    ends_on: date
    status: str
    label: str  # the text read out for the bar (title, dates, status)


def lanes(terms: list[Term]) -> list[list[Term]]:
    """Spread a partner's terms over as few lines as possible so that none overlap."""
    result: list[list[Term]] = []
    for term in sorted(terms, key=lambda t: (t.starts_on, t.ends_on)):
        for lane in result:
            if lane[-1].ends_on < term.starts_on:
                lane.append(term)
                break
        else:
            result.append([term])
    return result


def _x(day: date, first: date, last: date) -> float:
    span = (last - first).days or 1
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def timeline_svg(
    rows: list[tuple[str, list[Term]]],
    today: date,
    *,
    title: str,
    description: str,
    today_label: str,
    status_labels: dict[str, str],
) -> Markup:
    """Return an SVG picture of every partner's terms over the years, today marked."""
    starts = [t.starts_on for _, terms in rows for t in terms] or [today]
    ends = [t.ends_on for _, terms in rows for t in terms] or [today]
    first = date(min(min(starts), today).year, 1, 1)
    last = date(max(max(ends), today).year + 1, 1, 1)
    laned = [(name, lanes(terms)) for name, terms in rows]
    lines = sum(max(len(ls), 1) for _, ls in laned)
    bottom = TOP + ROW * lines
    items = [
        (lambda x, y, s=status: _bar(x, y, 28, BAR, s), status_labels.get(status, status))
        for status in STATUSES
    ]
    legend, legend_h = charts.legend(items, RIGHT, bottom + 20, WIDTH - 2 * RIGHT, swatch=28)
    height = bottom + 20 + legend_h + 8
    out = charts.open_svg(
        WIDTH, height, prefix=PREFIX, title=title, description=description, kind="timeline"
    )
    out.append(charts.pattern_defs(PREFIX, [p for p in FILLS.values() if p]))
    # Year axis: a tick every year, a label every five (every year when the span is short).
    years = range(first.year, last.year + 1)
    step = 1 if len(years) <= 12 else 5
    for year in years:
        x = _x(date(year, 1, 1), first, last)
        major = year % step == 0
        out.append(charts.line(x, TOP - 8, x, bottom, "chart-axis" if major else "chart-grid"))
        if major:
            out.append(charts.text(x, TOP - 12, str(year), "chart-muted", "middle"))
    line = 0
    for name, partner_lanes in laned:
        y = TOP + line * ROW
        out.append(charts.text(LEFT - 8, y + ROW / 2 + 5, name, "tl-partner", "end"))
        for lane in partner_lanes:
            y = TOP + line * ROW
            for term in lane:
                x1 = _x(term.starts_on, first, last)
                x2 = _x(term.ends_on + timedelta(days=1), first, last)
                top = y + (ROW - BAR) / 2
                out.append(_bar(x1, top, max(x2 - x1 - 1, 2), BAR, term.status, term.label))
            line += 1
        if not partner_lanes:
            line += 1
        out.append(charts.line(0, TOP + line * ROW, WIDTH, TOP + line * ROW, "chart-grid"))
    # Today: a thick line with its date written above it.
    tx = _x(today, first, last)
    out.append(charts.line(tx, TOP - 30, tx, bottom, "chart-today tl-today"))
    fits = tx + 4 + charts.text_width(today_label) <= WIDTH
    anchor = "start" if fits else "end"
    shift = -4 if anchor == "end" else 4
    out.append(
        charts.text(tx + shift, TOP - 32, today_label, "chart-strong tl-today-label", anchor)
    )
    out.append('<g class="chart-legend">')
    out += legend
    out.append("</g>")
    return charts.close(out)
