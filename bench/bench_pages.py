"""Figure 3: SQL statements per request of the busiest pages at about 100, 1,000 and 10,000
events (target: the same number at every size), and the in-process time per request.

Runs the app in-process (test client, SQLite in a temporary folder), so the figures are
the app's own work without network. p95 under gunicorn on PostgreSQL is in bench_http.py.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import SIZES, machine, make_app, verdict

PAGES = (
    "/",
    "/partners/",
    "/partners/city-1",
    "/meetings/",
    "/exchanges/",
    "/calendar/",
    "/admin/",
    "/api/v1/events",
)
ROUNDS = 5
EMAIL, PASSWORD = "bench@example.org", "bench-password-1"


class StatementCounter:
    """Count the SQL statements the engine runs."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def measure(size: int, tmp: Path) -> dict[str, tuple[int, float]]:
    from benchlib.data import build

    from app.auth.services import create_coordinator
    from app.extensions import db

    app = make_app(f"sqlite:///{tmp}/pages-{size}.db", tmp / f"p{size}", WTF_CSRF_ENABLED=False)
    with app.app_context():
        build(size)
        create_coordinator(EMAIL, PASSWORD)
        db.session.commit()
        counter = StatementCounter(db.engine)
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    figures = {}
    for path in PAGES:
        assert client.get(path).status_code == 200, path  # warm
        before = counter.count
        assert client.get(path).status_code == 200, path
        statements = counter.count - before
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        figures[path] = (statements, statistics.median(times))
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> None:
    print(f"== SQL statements per request (figure 3), SQLite in-process, {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        results = {size: measure(size, Path(tmp)) for size in SIZES}
    header = "".join(f" {f'{s} ev.':>9} {'ms':>7}" for s in SIZES)
    print(f"{'page':<20}{header}  target: same count at every size")
    for path in PAGES:
        counts = [results[s][path][0] for s in SIZES]
        cells = "".join(f" {results[s][path][0]:>9} {results[s][path][1]:>7.1f}" for s in SIZES)
        print(f"{path:<20}{cells}  {verdict(len(set(counts)) == 1)}")


if __name__ == "__main__":
    main()
