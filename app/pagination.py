"""Pages of a long list: which page was asked for, and the numbers its navigation shows.

A list page reads `?page=N` with `page_of(total, per_page)`, asks the database for
`page.offset`/`page.per_page` rows only, and shows `templates/_pagination.html`'s
`pagination(...)` below them. A page past the end shows the last page; a page that is no
number answers 404 (it is no address of the list).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request


@dataclass(frozen=True)
class Page:
    """Page `number` (from 1) of `pages`, of a list of `total` rows shown `per_page` a page."""

    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def first_row(self) -> int:
        """The 1-based position of the page's first row (0 on an empty list)."""
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.offset + self.per_page, self.total)

    def numbers(self, around: int = 2) -> list[int | None]:
        """Return the page numbers to link: the first, the last and those near this one,
        with None where numbers are left out."""
        wanted = {1, self.pages} | set(range(self.number - around, self.number + around + 1))
        shown: list[int | None] = []
        for n in sorted(n for n in wanted if 1 <= n <= self.pages):
            if shown and shown[-1] is not None and n > shown[-1] + 1:
                shown.append(None)
            shown.append(n)
        return shown


def page_of(total: int, per_page: int, arg: str = "page") -> Page:
    """Return the page `?page=` asks for: 1 when not given, the last one when past the end
    (or below 1, the first); 404 when it is no whole number."""
    raw = request.args.get(arg, "").strip()
    if not raw:
        number = 1
    elif raw.isdigit() and len(raw) <= 9:
        number = int(raw)
    else:
        abort(404)
    last = max((total + per_page - 1) // per_page, 1)
    return Page(number=min(max(number, 1), last), per_page=per_page, total=total)
