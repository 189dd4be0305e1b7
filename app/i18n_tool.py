"""Extract and update the Swedish catalogues: `make translations`.

`python -m app.i18n_tool fill PO JSON` sets translations from a {msgid: msgstr} file.

Each area keeps its own catalogue next to its code (app/<area>/translations) so that
areas can change in parallel; Flask-Babel merges them. An area's strings are those in
app/<area>/ and templates/<area>/; everything else belongs to app/translations.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
LANGUAGE = "sv"


def areas() -> dict[str, list[Path]]:
    """Return each catalogue folder with the source paths whose strings it holds."""
    owned = {}
    for translations in sorted(APP.glob("*/translations")):
        area = translations.parent.name
        paths = [translations.parent]
        if (ROOT / "templates" / area).is_dir():
            paths.append(ROOT / "templates" / area)
        owned[str(translations)] = paths
    taken = {p for paths in owned.values() for p in paths}
    core = [p for p in APP.iterdir() if p.suffix == ".py" or (p.is_dir() and p not in taken)]
    core += [p for p in (ROOT / "templates").iterdir() if p not in taken]
    owned[str(APP / "translations")] = sorted(core)
    return owned


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True)


def fill(po_path: str, json_path: str) -> None:
    """Set msgstr from a JSON object {msgid: msgstr or [singular, plural]}, then compile."""
    import json

    from babel.messages.pofile import read_po, write_po

    translations = json.loads(Path(json_path).read_text(encoding="utf-8"))
    with open(po_path, "rb") as fh:
        catalog = read_po(fh, locale=LANGUAGE)
    for message in catalog:
        # A plural message is keyed by its singular and given as [singular, plural].
        key = message.id[0] if message.pluralizable else message.id
        if key and key in translations:
            value = translations[key]
            message.string = tuple(value) if message.pluralizable else value
            message.flags.discard("fuzzy")
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True)
    pybabel("compile", "-d", str(Path(po_path).parents[2]), "-l", LANGUAGE)
    missing = [m.id for m in catalog if m.id and not m.string]
    for msgid in missing:
        print(f"untranslated: {msgid}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3])
        return
    for directory, paths in areas().items():
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            files = [str(p.relative_to(ROOT)) for p in paths]
            pybabel(
                "extract",
                "-F",
                str(ROOT / "babel.cfg"),
                "--no-location",
                "--sort-output",
                "-k",
                "_l",
                "-k",
                "say",
                "-o",
                str(pot),
                *files,
            )
            po = Path(directory) / LANGUAGE / "LC_MESSAGES" / "messages.po"
            if po.exists():
                pybabel(
                    "update",
                    "--no-fuzzy-matching",
                    "--ignore-pot-creation-date",
                    "-i",
                    str(pot),
                    "-d",
                    directory,
                    "-l",
                    LANGUAGE,
                )
            else:
                pybabel("init", "-i", str(pot), "-d", directory, "-l", LANGUAGE)
        pybabel("compile", "-d", directory, "-l", LANGUAGE)
        print(f"updated {po.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
