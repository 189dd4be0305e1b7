"""Time the busiest public pages with the Göteborg demo data and print each figure.

Runs the app in-process (test client, SQLite in a temporary folder) so the figure is the
app's own work, without network or a browser. Prints one line per page: the median and
95th-percentile time per request beside the target.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from app.demo import seed
from app.extensions import db

PAGES = {
    "/": 50.0,
    "/partners/": 50.0,
    "/partners/shanghai": 50.0,
    "/meetings/": 50.0,
    "/exchanges/": 50.0,
    "/exchanges/1": 50.0,
    "/api/v1/partners": 30.0,
    "/api/v1/exchanges": 30.0,
}
ROUNDS = 200


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": tmp,
            }
        )
        with app.app_context():
            db.create_all()
            seed("goteborg")
            db.session.commit()
        client = app.test_client()
        print(f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'target p95 ms':>14}")
        for path, target in PAGES.items():
            client.get(path)  # warm caches and templates
            times = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, path
            p95 = statistics.quantiles(times, n=20)[18]
            verdict = "ok" if p95 <= target else "SLOW"
            print(
                f"{path:<24} {statistics.median(times):>10.2f} {p95:>8.2f} {target:>14.0f}  {verdict}"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
