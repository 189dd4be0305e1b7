"""CSV files that open correctly in Excel (Swedish characters, no formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# Excel treats a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Return the cell as text that Excel will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Return UTF-8 CSV with a byte-order mark and semicolons, as Swedish Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_excel_csv(data: bytes) -> list[list[str]]:
    """Parse what excel_csv wrote (for tests and imports)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
