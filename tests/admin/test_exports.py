"""Every CSV export speaks the coordinator's language: headers and codes alike."""

import re

from app.csvutil import read_excel_csv
from tests.agreements.factories import make_agreement
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner

RAW_KEY = re.compile(r"^[a-z]+(_[a-z]+)*$")  # a column name or code, such as starts_on


def test_every_csv_export_has_headers_and_words_in_the_page_language(logged_in):
    partner = make_partner("Lyon")
    make_agreement(partner)
    exchange = make_exchange(partner)
    make_signup(exchange, school="Åkerskolan", pupils=2)
    exports = ("/admin/agreements/export.csv", "/admin/partners.csv")
    exports += (f"/admin/exchanges/{exchange.id}/participants.csv",)
    for path in exports:
        sv = read_excel_csv(logged_in.get(f"{path}?lang=sv").data)
        en = read_excel_csv(logged_in.get(f"{path}?lang=en").data)
        for rows in (sv, en):
            cells = [c for row in rows for c in row if c and not c.isdigit()]
            raw = [c for c in cells if RAW_KEY.match(c) and c not in {"lyon"}]  # lyon: a slug
            assert raw == [], (path, raw)
        differs = [a != b for a, b in zip(sv[0], en[0], strict=True)]
        assert sum(differs) >= len(differs) - 2, (path, sv[0], en[0])  # "Status", "Partner"
