"""The busiest exchange pages run the same number of statements however many groups there are."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import discard_committed_mail


@contextmanager
def counting():
    statements: list[str] = []

    def _count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)


def _statements(client, path: str) -> int:
    discard_committed_mail()  # the factories' mail is not the page's work
    with counting() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_exchange_list_does_not_grow_with_exchanges(client, app):
    make_exchange()
    few = _statements(client, "/exchanges/")
    for _ in range(5):
        make_signup(make_exchange())
    assert _statements(client, "/exchanges/") == few


def test_the_coordinator_page_does_not_grow_with_groups(logged_in, app):
    exchange = make_exchange(places=10)
    make_signup(exchange, pupils=2)
    few = _statements(logged_in, f"/admin/exchanges/{exchange.id}")
    for _ in range(8):
        make_signup(exchange, pupils=2)
    assert _statements(logged_in, f"/admin/exchanges/{exchange.id}") == few
