"""No request waits on the mail server: with an SMTP server that accepts connections and
never answers, sign-ups and pages answer at once, and the mail waits in the outbox."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from app.extensions import db
from app.mail import QUEUED, OutboxMail
from tests.exchanges.factories import make_exchange
from tests.servers import STATUS_RE, Gunicorn, sign_up_over_http

SCHOOLS = 8
# A request that talked to this server would wait for SMTP_TIMEOUT (10 s by default);
# the margin below it absorbs a loaded machine.
PROMPT = 6.0


class SilentSMTP:
    """Accepts every connection and never says a word (no greeting, no timeout)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_sign_ups_and_pages_answer_at_once_while_the_smtp_server_hangs(app, tmp_path):
    silent = SilentSMTP()
    exchange = make_exchange(places=40)
    exchange_id = exchange.id
    db.session.commit()
    server = Gunicorn(app.config["DATABASE_URL"], tmp_path, smtp_port=silent.port)
    try:
        server.wait_until_up()
        barrier = threading.Barrier(SCHOOLS)

        def sign_up(n: int):
            # Timed to the POST's own answer (the 303 to the answer page), where a request
            # that waited on the SMTP server would hang.
            answered: list[float] = []
            started = time.monotonic()
            result = sign_up_over_http(server.url, exchange_id, n, 2, barrier, answered)
            return result, (answered[0] if answered else time.monotonic()) - started

        def home():
            with urllib.request.urlopen(f"{server.url}/", timeout=60) as response:
                return response.status

        with ThreadPoolExecutor(max_workers=SCHOOLS + 1) as pool:
            signups = list(pool.map(sign_up, range(SCHOOLS)))
            (status, home_took) = pool.submit(_timed, home).result()
    finally:
        server.stop()
        silent.close()

    slow = [(n, round(took, 2)) for n, ((_, _, _, _), took) in enumerate(signups) if took > PROMPT]
    assert slow == []
    for (n, _pupils, code, body), _took in signups:
        found = STATUS_RE.search(body)
        assert code == 200 and found and found.group(1) == "confirmed", n
    assert status == 200 and home_took < PROMPT
    db.session.rollback()
    waiting = db.session.scalars(
        sa.select(OutboxMail.to_addr).where(OutboxMail.status == QUEUED)
    ).all()
    assert sorted(waiting) == sorted(f"school{n}@example.org" for n in range(SCHOOLS))
