"""The host rotation of a series as a picture (pure: rows in, SVG out, no Flask).

One row per meeting, oldest first: when, the host in a box, and the row's mark in words.
The box says the rest without colour: held meetings are lined grey, the next one is solid
with a thick outline, a cancelled one is cross-hatched with its host struck through, a
skipped one is an empty dashed box (the rotation waits), a swap puts a two-way arrow
before the host. A labelled line divides the past from what is to come.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from app import charts

HELD = "held"
PLANNED = "planned"
CANCELLED = "cancelled"
SKIPPED = "skipped"
STATUSES = (HELD, PLANNED, CANCELLED, SKIPPED)

ROW = 36
BOX_H = 26
WHEN_W = 86  # room for "sep. 2030"
BOX_W = 170
NOTE_X = WHEN_W + BOX_W + 14
WIDTH = 470
TOP = 8
SWAP = "⇄"
NEXT = "▶"


@dataclass(frozen=True)
class Row:
    """One meeting of the picture; `note` is its mark in words ("Swapped: Bergen's turn")."""

    when: str
    host: str
    status: str  # HELD, PLANNED, CANCELLED, SKIPPED
    note: str = ""
    swapped: bool = False
    next: bool = False
    past: bool = False


def _box(prefix: str, row: Row, y: float) -> list[str]:
    x = WHEN_W
    top = y + (ROW - BOX_H) / 2
    if row.status == SKIPPED:  # no host: an empty box with a dash
        return [
            charts.rect(x, top, BOX_W, BOX_H, "rot-box rot-skipped", rx=4.0),
            charts.text(x + 9, y + ROW / 2 + 5, "–", "chart-muted"),
        ]
    if row.status == CANCELLED:
        fill = charts.fill(prefix, "cross", "red")
        cls = "rot-box rot-cancelled"
    elif row.next:
        fill, cls = None, "rot-box rot-next"
    elif row.status == HELD:
        fill, cls = None, "rot-box rot-held"
    else:
        fill, cls = None, "rot-box rot-planned"
    out = [charts.rect(x, top, BOX_W, BOX_H, cls, rx=4.0, fill=fill)]
    label = f"{SWAP} {row.host}" if row.swapped else row.host
    text_cls = "rot-host" + (" rot-host-next" if row.next else "")
    if row.status == CANCELLED:
        # Text over a pattern sits on a white band, so it keeps its contrast.
        out.append(charts.rect(x + 4, top + 4, BOX_W - 8, BOX_H - 8, "rot-band", rx=2.0))
    out.append(charts.text(x + 9, y + ROW / 2 + 5, label, text_cls))
    if row.status == CANCELLED:
        width = min(charts.text_width(label), BOX_W - 16)
        out.append(charts.line(x + 8, y + ROW / 2, x + 10 + width, y + ROW / 2, "rot-strike"))
    return out


def rotation_svg(
    rows: list[Row],
    *,
    title: str,
    description: str,
    today_label: str,
    legend_labels: dict[str, str],
    prefix: str = "rot",
) -> Markup:
    """Return the rotation picture: a row per meeting, the past above a line marked today."""
    today_at = next((i for i, r in enumerate(rows) if not r.past), len(rows))
    divider = 22 if 0 < today_at < len(rows) else 0
    body = TOP + ROW * len(rows) + divider
    legend_items = [
        (_swatch(prefix, kind), legend_labels[kind])
        for kind in ("held", "next", "planned", "swapped", "skipped", "cancelled")
        if kind in legend_labels
    ]
    notes = [charts.text_width(f"{NEXT} {r.note}") for r in rows]
    width = max([WIDTH, *(NOTE_X + n + 8 for n in notes)])
    legend, legend_h = charts.legend(legend_items, 0, body + 12, width)
    height = body + 12 + legend_h + 4
    out = charts.open_svg(
        width, height, prefix=prefix, title=title, description=description, kind="rotation"
    )
    out.append(charts.pattern_defs(prefix, [("cross", "red")]))
    y = TOP
    for i, row in enumerate(rows):
        if i == today_at and divider:
            mid = y + divider / 2
            out.append(charts.line(0, mid, width, mid, "chart-today rot-today"))
            out.append(charts.text(width, mid - 4, today_label, "chart-strong chart-small", "end"))
            y += divider
        flags = charts.attrs(
            data_status=row.status,
            data_next="1" if row.next else None,
            data_swapped="1" if row.swapped else None,
        )
        group = [f'<g class="rot-row"{flags}>']
        group.append(charts.text(0, y + ROW / 2 + 5, row.when, "rot-when"))
        group += _box(prefix, row, y)
        note = f"{NEXT} {row.note}" if row.next else row.note
        cls = "rot-note" + (" chart-strong" if row.next else "")
        group.append(charts.text(NOTE_X, y + ROW / 2 + 5, note, cls))
        group.append("</g>")
        out += group
        y += ROW
    out.append('<g class="chart-legend">')
    out += legend
    out.append("</g>")
    return charts.close(out)


def _swatch(prefix: str, kind: str):
    def draw(x: float, y: float) -> str:
        if kind == "held":
            return charts.rect(x, y, 24, 16, "rot-box rot-held")
        if kind == "cancelled":
            return charts.rect(
                x, y, 24, 16, "rot-box rot-cancelled", fill=charts.fill(prefix, "cross", "red")
            )
        if kind == "swapped":
            return charts.text(x + 12, y + 13, SWAP, "chart-strong", "middle")
        return charts.rect(x, y, 24, 16, f"rot-box rot-{kind}")

    return draw
