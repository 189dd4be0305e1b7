"""The reciprocity chart: pupils sent and received with one partner, year by year, as
grouped bars in the pictures' one style (`app/charts.py`). `reciprocity_svg` is pure;
`reciprocity_chart` puts it in the reader's language for the page."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from markupsafe import Markup

from app import charts
from app.exchanges.reports import YearFigures

LEFT = 44  # room for the scale
TOP = 28  # room for the value over the tallest bar
PLOT = 160  # the bars' height at the largest figure
BAR = 30
GROUP = 96  # one year: two bars and room
MIN_WIDTH = 340


def nice_top(largest: int) -> int:
    """Return the top of the scale: the largest figure rounded up to 1, 2 or 5 times 10^n."""
    if largest <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= largest:
                return m * step
        step *= 10


def reciprocity_svg(
    rows: Sequence[YearFigures],
    *,
    title: str,
    description: str,
    sent_label: str,
    received_label: str,
    prefix: str = "rc",
) -> Markup:
    """Return grouped bars, two per year: pupils sent (solid) and received (hatched)."""
    top = nice_top(max([0, *(r.sent for r in rows), *(r.received for r in rows)]))
    width = max(MIN_WIDTH, LEFT + GROUP * len(rows) + 12)
    base = TOP + PLOT
    legend_items = [
        (lambda x, y: charts.rect(x, y, 24, 16, "rc-bar rc-sent"), sent_label),
        (
            lambda x, y: charts.rect(
                x, y, 24, 16, "rc-bar rc-received", fill=charts.fill(prefix, "hatch", "brown")
            ),
            received_label,
        ),
    ]
    legend, legend_h = charts.legend(legend_items, LEFT, base + 34, width - LEFT)
    height = base + 34 + legend_h + 4
    out = charts.open_svg(
        width, height, prefix=prefix, title=title, description=description, kind="reciprocity"
    )
    out.append(charts.pattern_defs(prefix, [("hatch", "brown")]))
    for value in (0, top // 2, top) if top >= 2 else (0, top):
        y = base - PLOT * value / top
        out.append(charts.line(LEFT - 4, y, width - 8, y, "chart-grid" if value else "chart-axis"))
        out.append(charts.text(LEFT - 8, y + 5, str(value), "chart-muted chart-small", "end"))
    for i, r in enumerate(rows):
        x = LEFT + 12 + GROUP * i
        out.append(f'<g class="rc-year" data-year="{r.year}">')
        for j, (value, cls, fill) in enumerate(
            (
                (r.sent, "rc-bar rc-sent", None),
                (r.received, "rc-bar rc-received", charts.fill(prefix, "hatch", "brown")),
            )
        ):
            h = PLOT * value / top
            bx = x + j * (BAR + 4)
            kind = "sent" if j == 0 else "received"
            out.append(charts.rect(bx, base - h, BAR, max(h, 0.0), cls, fill=fill))
            out.append(
                charts.text(
                    bx + BAR / 2, base - h - 5, str(value), f"rc-value rc-{kind}-value", "middle"
                )
            )
        out.append(charts.text(x + BAR + 2, base + 20, str(r.year), "chart-strong", "middle"))
        out.append("</g>")
    out.append('<g class="chart-legend">')
    out += legend
    out.append("</g>")
    return charts.close(out)


def reciprocity_chart(partner: object, rows: Sequence[YearFigures], prefix: str = "rc") -> Markup:
    """Return one partner's reciprocity chart in the reader's language."""
    name = getattr(partner, "name", "")
    return reciprocity_svg(
        rows,
        title=_("Pupils sent and received with %(partner)s, per year", partner=name),
        description=" ".join(
            _(
                "%(year)s: %(sent)s sent, %(received)s received.",
                year=r.year,
                sent=r.sent,
                received=r.received,
            )
            for r in rows
        ),
        sent_label=_("Sent"),
        received_label=_("Received"),
        prefix=prefix,
    )
