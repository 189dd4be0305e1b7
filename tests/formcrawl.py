"""The forms of the site, found by reading every page of the url map as a browser would.

A form added to any page is found here without anyone listing it: the fuzz and
stored-script tests post to every form these functions return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.datastructures import MultiDict

# Inputs a person types into; the others (hidden, checkbox, select...) keep their values.
TEXT_TYPES = {"text", "search", "email", "url", "tel", "number", "date", "time", "password", ""}


@dataclass
class Field:
    name: str
    kind: str  # an input's type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    endpoint: str = ""
    fields: list[Field] = field(default_factory=list)

    def defaults(self) -> list[tuple[str, str]]:
        """What a browser would send unchanged: every field's current value."""
        sent = []
        for f in self.fields:
            if f.kind in {"checkbox", "radio"} and f.value == "\0unchecked":
                continue
            sent.append((f.name, f.value))
        return sent

    def filled(self) -> MultiDict:
        """What a person filling in the empty fields plausibly would send."""
        later = (date.today() + timedelta(days=400)).isoformat()
        plausible = {
            "email": "fuzz@example.org",
            "number": "1",
            "date": later,
            "time": "10:00",
            "datetime-local": f"{later}T10:00",
        }
        body = MultiDict()
        for name, value in self.defaults():
            kind = next(f.kind for f in self.fields if f.name == name)
            body.add(name, value or plausible.get(kind, "Fuzz" if kind in TEXT_TYPES else ""))
        return body

    @property
    def typed(self) -> list[Field]:
        return [f for f in self.fields if f.kind in TEXT_TYPES or f.kind == "textarea"]


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, urlsplit(action)._replace(scheme="", netloc="").geturl())
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name") or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option_start(a)
            return
        if tag == "button" or (tag == "input" and a.get("type", "").lower() == "submit"):
            # A named button sends its value when pressed (a reply's accept or decline):
            # the form is sent as if its first named button were pressed.
            if a.get("type", "submit").lower() == "submit" and not any(
                f.kind == "submit" for f in self._form.fields
            ):
                self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"button", "image", "reset", "file"}:
                return
            value = a.get("value", "on" if kind in {"checkbox", "radio"} else "")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                value = "\0unchecked"
            self._form.fields.append(Field(a["name"], kind, value))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)

    def _option_start(self, a):
        value = a.get("value")
        self._option = value
        if value is not None:
            self._select.options.append(value)
            if "selected" in a or len(self._select.options) == 1:
                self._select.value = value

    def handle_data(self, data):
        if self._textarea is not None:
            if not self._textarea.value:  # a browser drops the newline after <textarea>
                data = (
                    data.removeprefix("\r\n")
                    if data.startswith("\r\n")
                    else data.removeprefix("\n")
                )
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_on(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def site_forms(app, client, paths: list[str]) -> list[Form]:
    """Every POST form on the given pages, once per endpoint (the first page showing it)."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, Form] = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in forms_on(path, response.get_data(as_text=True)):
            form.endpoint, _ = adapter.match(form.action.split("?")[0], method="POST")
            found.setdefault(form.endpoint, form)
    return list(found.values())
