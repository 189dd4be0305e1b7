"""Real servers for tests: gunicorn with several worker processes, and forms over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from app import ROOT
from tests.conftest import free_port

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STATUS_RE = re.compile(r'data-signup-status="(\w+)"')


# Each worker process opens its own connections: those of the master, which built the app
# once (--preload) and checked the database, must not be shared by the forked workers.
GUNICORN_HOOKS = """
def post_fork(server, worker):
    from app.extensions import db

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)
"""


class Gunicorn:
    """gunicorn with several worker processes, on loopback, sharing the test database.

    The app is built once in the master and forked (--preload): four workers boot in
    about the time of one.
    """

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        smtp_port: int | None = None,
        secret: str = "concurrency-test-secret",  # noqa: S107 (a test key)
        rate_limits: bool = False,
        extra_env: dict | None = None,
        access_log: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "gunicorn.log"
        # Without a listener on the port mail stays queued.
        self.smtp_port = smtp_port or free_port()
        hooks = workdir / "gunicorn_hooks.py"
        hooks.write_text(GUNICORN_HOOKS)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secret,
            "VANORT_INSTANCE_PATH": str(workdir / "instance"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp_port),
            "PUBLIC_BASE_URL": self.url,
            "DEFAULT_LANGUAGE": "en",
            # Concurrency tests send many forms from one address; the limits' own test
            # turns them on.
            "RATELIMIT_ENABLED": "true" if rate_limits else "false",
            **(extra_env or {}),
        }
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(gunicorn),
                    "--config",
                    str(hooks),
                    "--preload",
                    "--workers",
                    "4",
                    "--threads",
                    "8",  # 32 requests at once: the race would show without the lock
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    *(["--access-logfile", str(access_log)] if access_log else []),
                    "app:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log.read_text()[-3000:]}")
            try:
                # Any answer will do: /healthz says 503 while no scheduler runs beside.
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-3000:]}")

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop gracefully: the workers finish their requests and the mail sent after them."""
        if not self.running():
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class _RedirectClock(urllib.request.HTTPRedirectHandler):
    """Follow redirects as a browser does, noting when the first answer (the 303) came."""

    def __init__(self, answered: list[float] | None) -> None:
        self.answered = answered

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if self.answered is not None and not self.answered:
            self.answered.append(time.monotonic())
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def sign_up_over_http(
    base: str,
    exchange_id: int,
    n: int,
    pupils: int,
    barrier: threading.Barrier,
    answered: list[float] | None = None,
):
    """Sign a school up as a browser would (following the redirect to the answer page).

    `answered`, if given, receives the moment the sign-up POST itself was answered.
    """
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _RedirectClock(answered)
    )
    with opener.open(f"{base}/exchanges/{exchange_id}", timeout=60) as response:
        token = CSRF_RE.search(response.read().decode()).group(1)
    data = urllib.parse.urlencode(
        {
            "school_name": f"Skola {n}",
            "contact_name": f"Lärare {n}",
            "contact_email": f"school{n}@example.org",
            "students": str(pupils),
            "teachers": "1",
            "csrf_token": token,
        }
    ).encode()
    barrier.wait(timeout=60)  # every request leaves at the same moment
    try:
        with opener.open(f"{base}/exchanges/{exchange_id}/signup", data=data, timeout=60) as r:
            return n, pupils, r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return n, pupils, err.code, err.read().decode(errors="replace")
