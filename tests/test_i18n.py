"""Every page in Swedish and English: no string in the code lacks its Swedish."""

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "app").glob("**/translations/sv/LC_MESSAGES/messages.po"))
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "say": None}  # say: app.audit.say


def load(po: Path):
    with po.open("rb") as fh:
        return read_po(fh, locale="sv")


def plain(value):
    """Return a plural message's forms (a list from the .mo, a tuple from the .po) as a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else value


def translated(string) -> bool:
    """Tell whether a message has its Swedish (every form of a plural one)."""
    return all(string) if isinstance(string, list | tuple) else bool(string)


def source_messages() -> set[str]:
    found = set()
    sources = [
        (ROOT / "app", [("**.py", "python"), ("**/**.py", "python")]),
        (
            ROOT / "templates",
            [(p, "jinja2") for p in ("**.html", "**/**.html", "**.txt", "**/**.txt")],
        ),
    ]
    for directory, method_map in sources:
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(directory), method_map, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / "app")))
def test_catalogue_is_fully_translated(po):
    catalog = load(po)
    untranslated = [m.id for m in catalog if m.id and not translated(m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / "app")))
def test_compiled_catalogue_matches_its_source(po):
    def key(value):  # plural forms: a list in the .mo, a tuple in the .po
        return tuple(value) if isinstance(value, list | tuple) else value

    with po.with_suffix(".mo").open("rb") as fh:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(fh) if m.id}
    source = {plain(m.id): plain(m.string) for m in load(po) if m.id and m.string and not m.fuzzy}
    assert compiled == source, "run `make translations` to recompile"


def test_every_string_in_the_code_has_a_swedish_translation():
    translated = set()
    for po in CATALOGUES:
        translated |= {m.id if isinstance(m.id, str) else m.id[0] for m in load(po) if m.string}
    missing = sorted(source_messages() - translated)
    assert missing == [], "untranslated strings; run `make translations` and fill them in"


def test_a_string_has_one_swedish_translation_across_areas():
    """Flask-Babel merges the areas' catalogues; the same English must not mean two things."""
    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for po in CATALOGUES:
        for m in load(po):
            if not m.id or not m.string:
                continue
            key = m.id if isinstance(m.id, str) else m.id[0]
            if key in seen and seen[key][0] != m.string:
                clashes.append((key, seen[key], (m.string, po)))
            seen.setdefault(key, (m.string, po))
    assert clashes == []


@pytest.mark.parametrize("query", ["?_method=x&endpoint=x", "?_external=1", "?lang=en&a=1&a=2"])
def test_language_switch_survives_any_query_string(client, query):
    response = client.get(f"/partners/{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/partners/?' in html and "lang=sv" in html
    assert "http://" not in html.split("lang-switch")[1].split("</nav>")[0]
