"""Hostile input into every form of the site and every POST route of the url map.

The forms are found by reading every page of the url map as a coordinator
(tests/formcrawl.py), so a new form is fuzzed without anyone listing it; a POST route no
page shows a form for is fuzzed with the field names of test_no_500. Hypothesis sends each
form a few bodies of huge strings, control characters, wrong types (a field twice, or
missing), HTML and SQL fragments, and bytes that are not UTF-8, in the body and the query
string. No answer may be a 500, and a refused request (4xx) may leave no row behind.
Then a script payload goes into every text field of every form, and no page (nor mail)
may carry it as markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from app.extensions import db
from tests.conftest import seed_demo
from tests.e2e.pages import pages
from tests.formcrawl import Field, Form, site_forms
from tests.test_no_500 import garbage_form, urls

NOT_FUZZED = {"auth.logout"}  # it ends the session the other forms are sent in
EXAMPLES_PER_FORM = 8  # about 600 requests per backend: seconds, on CI's two cores

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1",
    "1; DROP TABLE partner; --",
    "%s%s%s%n",
    "{{ 7*7 }}",
    "x" * 100_000,
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "0x10",
    "2026-02-30",
    "2026-13-01T25:61",
    "٣",  # an Arabic-Indic digit
    "\x00",
    "a\x00b",
    "\x1b[2J\x07",
    "\u202egnp.exe",
    "\ufeff\u200b\u2028",
    " ",
    "",
    "Åsa Öberg <asa@example.org>",
    "a@b@example.org",
    "../../etc/passwd",
    "🇸🇪" * 200,
]
INVALID_UTF8 = [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"abc\x80", b"\xf4\x90\x80\x80"]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Co"]), max_size=40),
    st.integers().map(str),
    st.floats().map(str),
)


def login(client) -> None:
    client.post(
        "/login", data={"email": DEMO_COORDINATOR_EMAIL, "password": DEMO_COORDINATOR_PASSWORD}
    )


def post(client, path: str, body: MultiDict | bytes):
    """Post the body; when the session has ended (a password changed, say), log in again."""
    for _ in range(2):
        if isinstance(body, bytes):
            response = client.post(
                path, data=body, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.post(path, data=body)
        if not (response.status_code == 302 and response.location.startswith("/login")):
            break
        login(client)
    return response


@pytest.fixture
def site(app, client):
    """Göteborg's demo data, a coordinator's session, and every form of the site."""
    seed_demo("goteborg")
    db.session.commit()
    login(client)
    paths = pages(app, workspace=True, all_samples=False)
    paths += pages(app, workspace=False, all_samples=False)
    forms = [f for f in site_forms(app, client, paths) if f.endpoint not in NOT_FUZZED]
    # Forms with nothing to type (delete, cancel) last: they take away what others edit.
    forms.sort(key=lambda f: not any(x.kind not in {"hidden", "submit"} for x in f.fields))
    return forms


def blind_forms(app, forms: list[Form]) -> list[Form]:
    """A form for each POST route no page showed one for, with test_no_500's field names."""
    shown = {f.endpoint for f in forms}
    adapter = app.url_map.bind("localhost")
    found: dict[str, Form] = {}
    for method, path in urls(app):
        if method != "POST":
            continue
        endpoint, _ = adapter.match(path, method="POST")
        if endpoint in shown or endpoint in NOT_FUZZED or endpoint in found:
            continue
        names = list(garbage_form(0))
        found[endpoint] = Form(path, path, endpoint, [Field(n, "text") for n in names])
    return list(found.values())


def row_counts() -> dict[str, int]:
    """Every table's number of rows, in one statement."""
    tables = db.metadata.sorted_tables
    query = sa.union_all(
        *(sa.select(sa.literal(t.name), sa.func.count()).select_from(t) for t in tables)
    )
    counts = {name: count for name, count in db.session.execute(query)}
    db.session.rollback()
    return counts


@st.composite
def hostile_request(draw, form: Form) -> tuple[str, MultiDict | bytes]:
    """A path (perhaps with a query string that is not UTF-8) and a hostile body."""
    path = form.action
    if draw(st.booleans()):
        junk = quote_from_bytes(draw(st.sampled_from(INVALID_UTF8)))
        path += ("&" if "?" in path else "?") + f"lang={junk}&q={junk}"
    names = [f.name for f in form.fields] or ["x"]
    if draw(st.integers(0, 4)) == 0:  # a body that is not UTF-8
        raw = b"&".join(
            quote_from_bytes(n.encode()).encode()
            + b"="
            + quote_from_bytes(
                draw(st.sampled_from(INVALID_UTF8)) + draw(st.binary(max_size=20))
            ).encode()
            for n in names
        )
        return path, raw
    body = MultiDict()
    for f in form.fields:
        choice = draw(st.integers(0, 5))
        if choice == 0:
            continue  # missing
        body.add(f.name, f.value if choice == 1 else draw(hostile_text))
        if choice == 5:
            body.add(f.name, draw(hostile_text))  # twice: a list where one value is due
    if draw(st.booleans()):
        body.add(
            draw(st.sampled_from(["id", "csrf_token", "lang", "next", "x"])), draw(hostile_text)
        )
    return path, body


def fuzz(client, form: Form) -> None:
    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=hostile_request(form))
    def one_form(request):
        path, body = request
        before = row_counts()
        response = post(client, path, body)
        assert response.status_code < 500, f"{form.endpoint}: {path} answered {response.status}"
        if response.status_code >= 400:
            changed = {k: (v, before.get(k)) for k, v in row_counts().items() if before.get(k) != v}
            assert changed == {}, f"{form.endpoint} refused ({response.status}) but changed rows"

    one_form()


def test_every_form_and_post_route_takes_hostile_input_without_a_500_or_half_a_change(
    app, client, site
):
    forms = site + blind_forms(app, site)
    assert len(site) > 40, "the crawl found too few forms: did the pages change?"
    for form in forms:
        fuzz(client, form)


# --- stored scripts --------------------------------------------------------------------

TYPED = {"text", "search", "", "textarea"}


def payload(marker: str) -> str:
    return f"<script>alert('{marker}')</script><img src=x onerror=alert('{marker}')>"


MARKER = re.compile(r"alert\('(xss\d+)'\)")


class MarkupFinder(HTMLParser):
    """Finds a payload that became markup, and markers that are shown as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.executable: list[str] = []
        self.shown: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on") or (tag == "img" and name == "src" and value == "x"):
                self.executable.append(f"<{tag} {name}={value!r}>")
            else:  # a value of a form's field, a title: data, not markup
                self.shown |= set(MARKER.findall(value or ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        found = set(MARKER.findall(data))
        if self._in_script and found:
            self.executable.append(f"<script>{data[:80]}")
        else:
            self.shown |= found


def test_a_script_typed_into_any_form_is_shown_as_text_on_every_page_and_mail(app, client, site):
    from app.mail import OutboxMail

    markers: dict[str, str] = {}
    reflected = MarkupFinder()  # the answers to the posts: forms shown again with errors
    for form in site:
        for field in (f for f in form.fields if f.kind in TYPED):
            marker = f"xss{len(markers)}"
            markers[marker] = f"{form.endpoint}:{field.name}"
            # As shown (an edit form), else with its empty fields filled in (a new one).
            for body in (MultiDict(form.defaults()), form.filled()):
                body.setlist(field.name, [payload(marker)])
                response = post(client, form.action, body)
                assert response.status_code < 500, markers[marker]
                reflected.feed(response.get_data(as_text=True))
                if response.status_code < 400:
                    field.value = payload(marker)  # kept by the next posts of this form
                    break

    finder = MarkupFinder()  # every page of every object, the new ones too
    paths = pages(app, workspace=True) + pages(app, workspace=False)
    for path in paths:
        response = client.get(path)
        if "html" in response.content_type:
            finder.feed(response.get_data(as_text=True))
    for mail in db.session.scalars(sa.select(OutboxMail)):
        finder.feed(mail.body_html or "")

    assert reflected.executable == []
    assert finder.executable == []
    shown = {markers[m] for m in finder.shown}
    # Most text fields take any text, so most payloads are stored and shown: a school's
    # name, a partner's, an agenda, a grant's notes, a delegate's name...
    assert "exchanges.signup:school_name" in shown
    # The others are refused as they should be (a time zone, a slug, a currency, an
    # amount, a phone number) or met a rule (a second sign-up with the same address).
    assert len(shown) >= 50, sorted(set(markers.values()) - shown)


def test_the_finder_tells_markup_from_text():
    from markupsafe import escape

    raw, escaped = MarkupFinder(), MarkupFinder()
    raw.feed(f"<p>{payload('xss1')}</p>")
    escaped.feed(f'<p>{escape(payload("xss2"))}</p><input value="{escape(payload("xss3"))}">')
    assert len(raw.executable) == 3  # the script, the image from "x" and its handler
    assert escaped.executable == [] and escaped.shown == {"xss2", "xss3"}
