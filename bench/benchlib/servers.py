"""gunicorn for the bench (the app or a bare Flask app), a load generator, worker memory."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from benchlib import ROOT

# Each forked worker opens its own connections (the master built the app: --preload).
HOOKS = """
def post_fork(server, worker):
    try:
        from app.extensions import db
        with server.app.wsgi().app_context():
            db.engine.dispose(close=False)
    except Exception:
        pass
"""
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STATUS_RE = re.compile(r'data-signup-status="(\w+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn on loopback with `workers` processes of `threads` threads each."""

    def __init__(self, target: str, workdir: Path, env: dict[str, str], *, workers=4, threads=4):
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        hooks = workdir / "hooks.py"
        hooks.write_text(HOOKS)
        self.log = workdir / "gunicorn.log"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(gunicorn),
                    "--config",
                    str(hooks),
                    "--preload",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "120",
                    "--graceful-timeout",
                    "5",
                    target,
                ],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}", **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def peak_memory_mb(self) -> float:
        """Return the largest peak resident set (VmHWM) of the workers, in MB."""
        peak = 0
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        return peak / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def hammer(url: str, path: str, *, clients: int, seconds: float, headers=None) -> dict:
    """Send GETs from `clients` keep-alive connections for `seconds`; return the rate."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    counts, statuses, latencies = [0] * clients, set(), []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(k: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            statuses.add(response.status)
            counts[k] += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rate": sum(counts) / elapsed,
        "statuses": statuses,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0.0,
        "median_ms": latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
    }


def warm(url: str, path: str, *, clients: int, headers=None, limit_s: float = 60) -> None:
    """Send requests until one second passes with no answer slower than a second: every
    worker has then built what it keeps (a feed's first render takes seconds)."""
    stop = time.monotonic() + limit_s
    while time.monotonic() < stop:
        if hammer(url, path, clients=clients, seconds=1, headers=headers)["max_ms"] < 1000:
            return


def sign_up(base: str, exchange_id: int, n: int, barrier: threading.Barrier):
    """Sign a school up as a browser does (the POST answers 303, the page after it 200).

    Each school comes from an address of its own, as on a sign-up day (the server trusts
    one proxy, `TRUSTED_PROXIES=1`), so the per-visitor limits apply as they would.
    """
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    opener.addheaders = [("X-Forwarded-For", f"10.1.{n // 250}.{1 + n % 250}")]
    with opener.open(f"{base}/exchanges/{exchange_id}", timeout=120) as response:
        token = CSRF_RE.search(response.read().decode()).group(1)
    data = urllib.parse.urlencode(
        {
            "school_name": f"Bench skola {n}",
            "contact_name": f"Lärare {n}",
            "contact_email": f"bench{n}@example.org",
            "students": str(1 + n % 4),
            "teachers": "1",
            "csrf_token": token,
        }
    ).encode()
    barrier.wait(timeout=120)
    try:
        with opener.open(f"{base}/exchanges/{exchange_id}/signup", data=data, timeout=120) as r:
            return n, 1 + n % 4, r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return n, 1 + n % 4, err.code, err.read().decode(errors="replace")
