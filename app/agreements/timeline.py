"""The agreement timeline as SVG (pure: terms in, markup out).

Each status has its own fill pattern and outline, explained in a legend, so the picture
reads without colour; today is a labelled vertical line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

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

# Fill and outline per status: solid, hatched, dotted, dashed - never colour alone.
STYLES = {
    ACTIVE: 'fill="#1d5a8a" stroke="#0b2e4a" stroke-width="1"',
    RENEWED: 'fill="url(#tl-renewed)" stroke="#0b2e4a" stroke-width="1"',
    DECISION_DUE: 'fill="url(#tl-due)" stroke="#7a3600" stroke-width="2"',
    EXPIRED: 'fill="url(#tl-expired)" stroke="#444" stroke-width="1" stroke-dasharray="4 2"',
    DRAFT: 'fill="#ffffff" stroke="#444" stroke-width="1.5" stroke-dasharray="2 2"',
    UPCOMING: 'fill="url(#tl-upcoming)" stroke="#0b2e4a" stroke-width="1.5" stroke-dasharray="6 2"',
    ENDED: 'fill="url(#tl-ended)" stroke="#000" stroke-width="1"',
}

DEFS = """<defs>
<pattern id="tl-renewed" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#8fb3d1"/><path d="M0 3H6" stroke="#0b2e4a" stroke-width="1"/></pattern>
<pattern id="tl-due" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffd9b3"/><path d="M0 0V8" stroke="#7a3600" stroke-width="3"/></pattern>
<pattern id="tl-expired" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#eeeeee"/><circle cx="3" cy="3" r="1.2" fill="#444"/></pattern>
<pattern id="tl-upcoming" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ffffff"/><path d="M3 0V6" stroke="#1d5a8a" stroke-width="1"/></pattern>
<pattern id="tl-ended" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#dddddd"/><path d="M0 0L6 6M6 0L0 6" stroke="#000" stroke-width="0.8"/></pattern>
</defs>"""


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
    legend_y = bottom + 20
    height = legend_y + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="agreement-timeline" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="tl-title tl-desc" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="tl-title">{escape(title)}</title>',
        f'<desc id="tl-desc">{escape(description)}</desc>',
        DEFS,
    ]
    # Year axis: a tick every year, a label every five (every year when the span is short).
    years = range(first.year, last.year + 1)
    step = 1 if len(years) <= 12 else 5
    for year in years:
        x = _x(date(year, 1, 1), first, last)
        major = year % step == 0
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{bottom}" '
            f'stroke="{"#999" if major else "#ddd"}" stroke-width="1"/>'
        )
        if major:
            out.append(f'<text x="{x:.1f}" y="{TOP - 12}" text-anchor="middle">{year}</text>')
    line = 0
    for name, partner_lanes in laned:
        y = TOP + line * ROW
        out.append(
            f'<text x="{LEFT - 8}" y="{y + ROW / 2 + 4:.1f}" text-anchor="end" '
            f'class="tl-partner">{escape(name)}</text>'
        )
        for lane in partner_lanes:
            y = TOP + line * ROW
            for term in lane:
                x1 = _x(term.starts_on, first, last)
                x2 = _x(term.ends_on + timedelta(days=1), first, last)
                style = STYLES.get(term.status, STYLES[ACTIVE])
                out.append(
                    f'<rect x="{x1:.1f}" y="{y + (ROW - BAR) / 2:.1f}" '
                    f'width="{max(x2 - x1 - 1, 2):.1f}" height="{BAR}" rx="2" {style} '
                    f'data-status="{term.status}"><title>{escape(term.label)}</title></rect>'
                )
            line += 1
        if not partner_lanes:
            line += 1
        out.append(
            f'<line x1="0" y1="{TOP + line * ROW}" x2="{WIDTH}" y2="{TOP + line * ROW}" '
            f'stroke="#eee" stroke-width="1"/>'
        )
    # Today: a thick line with its date written above it.
    tx = _x(today, first, last)
    out.append(
        f'<line x1="{tx:.1f}" y1="{TOP - 30}" x2="{tx:.1f}" y2="{bottom}" '
        f'stroke="#000" stroke-width="2.5" class="tl-today"/>'
    )
    anchor = "end" if tx > WIDTH - 150 else "start"
    shift = -4 if anchor == "end" else 4
    out.append(
        f'<text x="{tx + shift:.1f}" y="{TOP - 32}" text-anchor="{anchor}" font-weight="bold" '
        f'class="tl-today-label">{escape(today_label)}</text>'
    )
    # Legend: each pattern beside its word.
    x = RIGHT  # seven statuses: the legend starts at the left edge to fit
    for status in STATUSES:
        out.append(
            f'<rect x="{x}" y="{legend_y}" width="28" height="{BAR}" rx="2" {STYLES[status]}/>'
        )
        label = escape(status_labels.get(status, status))
        out.append(f'<text x="{x + 34}" y="{legend_y + 13}">{label}</text>')
        x += 138
    out.append("</svg>")
    return Markup("\n".join(out))  # noqa: S704 (every text above is escaped)
