"""pip-audit where PyPI's per-version advisory data cannot be reached.

pip-audit asks https://pypi.org/pypi/NAME/VERSION/json (or api.osv.dev) for the known
vulnerabilities of each locked version. Some networks reach only PyPI's project data,
https://pypi.org/pypi/NAME/json, which carries the same advisories (PyPI's, from OSV)
for the project's newest release only. So this runs pip-audit itself, with its OSV
service pointed at a small local server that answers from the project data, over every
pin that IS its project's newest release; a pin that is not (held back by another
package's bounds) cannot be audited this way and is named as NOT AUDITED.

    python .ci/audit_newest.py LOCK [LOCK ...]

Exit status: 0 every pin audited and none vulnerable; 1 pip-audit found a known
vulnerability or failed; 3 none found, but some pins could not be audited.
Needs only the standard library and `packaging` (pip-audit's venv has both).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name
from packaging.version import Version

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
NOT_AUDITED = 3

Fetch = Callable[[str], dict]


def fetch_project(name: str) -> dict:
    """Return PyPI's project data for `name`."""
    url = PROJECT_JSON.format(name=urllib.parse.quote(name, safe=""))  # https, a constant host
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310
        return json.load(answer)


def blocks(text: str) -> list[tuple[str, str, str]]:
    """Return each pinned requirement of a lock as (canonical name, version, its lines)."""
    found = []
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            found.append((canonicalize_name(match.group(1)), match.group(2), block))
    return found


def applies(block: str) -> bool:
    """Return True if a pin's environment marker holds for this Python and platform."""
    first = block.split("\n", 1)[0].rstrip(" \\")
    return ";" not in first or Marker(first.split(";", 1)[1]).evaluate()


def newest(project: dict) -> Version:
    return Version(project["info"]["version"])


def osv_record(name: str, vuln: dict) -> dict:
    """Return one of PyPI's advisories (project JSON, `vulnerabilities`) in OSV's shape."""
    events: list[dict] = [{"introduced": "0"}]
    events += [{"fixed": v} for v in vuln.get("fixed_in") or []]
    record = {
        "id": vuln["id"],
        "aliases": vuln.get("aliases") or [],
        "details": vuln.get("details") or "",
        "affected": [
            {
                "package": {"name": name, "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
        ],
    }
    if vuln.get("summary"):
        record["summary"] = vuln["summary"]
    if vuln.get("withdrawn"):
        record["withdrawn"] = vuln["withdrawn"]
    return record


def answer(query: dict, fetch: Fetch) -> tuple[int, dict]:
    """Answer an OSV /v1/query for a PyPI package: (HTTP status, body).

    Only the project's newest release has its advisories in the project data; any other
    version is refused (409), never answered as clean.
    """
    package = query.get("package") or {}
    if package.get("ecosystem") != "PyPI" or not package.get("name") or not query.get("version"):
        return 400, {"message": "a PyPI package and version are needed"}
    name = canonicalize_name(package["name"])
    project = fetch(name)
    if Version(query["version"]) != newest(project):
        return 409, {"message": f"{name} {query['version']} is not the newest release"}
    return 200, {"vulns": [osv_record(name, v) for v in project.get("vulnerabilities") or []]}


def serve(fetch: Fetch, answered: set[str]) -> ThreadingHTTPServer:
    """Start the OSV-shaped server on a free local port, in a thread; the names it
    answered (200) go into `answered`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
                query = json.loads(self.rfile.read(length) or b"{}")
                status, body = answer(query, fetch)
                if status == 200:
                    answered.add(canonicalize_name(query["package"]["name"]))
            except Exception as error:  # any failure is the audit's failure
                status, body = 502, {"message": f"PyPI's project data: {error}"}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(locks: list[str], fetch: Fetch = fetch_project, pip_audit: Path | None = None) -> int:
    pinned: dict[tuple[str, str], str] = {}  # a universal lock may pin two versions by Python
    for lock in locks:
        for name, version, block in blocks(Path(lock).read_text(encoding="utf-8")):
            pinned.setdefault((name, version), block)
    elsewhere = sorted(key for key, block in pinned.items() if not applies(block))
    pinned = {key: block for key, block in pinned.items() if applies(block)}
    names = sorted({name for name, _ in pinned})
    with ThreadPoolExecutor(8) as pool:
        cache = dict(zip(names, pool.map(fetch, names), strict=True))
    held = sorted((n, v) for n, v in pinned if Version(v) != newest(cache[n]))
    auditable = [block for key, block in pinned.items() if key not in held]

    answered: set[str] = set()
    server = serve(lambda name: cache[name] if name in cache else fetch(name), answered)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            requirements = Path(tmp, "newest.txt")
            requirements.write_text("\n".join(auditable) + "\n", encoding="utf-8")
            pip_audit = pip_audit or Path(sys.executable).with_name("pip-audit")
            port = server.server_address[1]
            result = subprocess.run(
                [str(pip_audit), "--strict", "--disable-pip", "--require-hashes",
                 "--progress-spinner", "off", "--vulnerability-service", "osv",
                 "--osv-url", f"http://127.0.0.1:{port}/v1/query",
                 "--cache-dir", str(Path(tmp, "cache")), "-r", str(requirements)],
                check=False,
            )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    print(
        f"audit: {len(answered)} pinned packages audited against PyPI's advisories for "
        "their newest release (the per-version data cannot be reached from here)"
    )
    if result.returncode != 0:
        return 1
    for name, version in elsewhere:
        print(f"audit: skipped {name} {version}: its marker leaves it out on this Python and "
              "platform, where nothing installs it")  # fmt: skip
    unasked = sorted({n for n, v in pinned if (n, v) not in held} - answered)
    for name in unasked:
        print(f"audit: NOT AUDITED: {name}: pip-audit never asked about it")
    for name, version in held:
        print(f"audit: NOT AUDITED: {name} {version}: not its newest release "
              f"({newest(cache[name])}), about which alone PyPI's project data speaks")  # fmt: skip
    return NOT_AUDITED if held or unasked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
