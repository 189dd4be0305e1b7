"""The data version: one counter that moves with every committed change a feed shows.

Feeds are cached by it (`app.calendar.cache`) and take their Last-Modified from it. A
session listener notes a change to anything a feed shows and bumps the version as the
transaction commits, once: a rolled-back change moves nothing and a committed one (a
deletion too) always does.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app, g, request
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.agreements.models import Agreement
from app.calendar.models import DataVersion, FeedToken
from app.exchanges.models import Exchange
from app.extensions import db
from app.grants.models import Grant, GrantObligation
from app.meetings.memo import Memo
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange, SeriesHost
from app.partners.models import Contact, Partner, PartnerLink, Project, Theme
from app.timeutil import utcnow

# What a feed or a kept page shows (a project: to whose partner its grants' obligations
# belong; themes, links and contacts: the partner pages); sign-ups, delegates, mail and
# audit entries are not.
TRACKED = (
    Partner,
    Project,
    Theme,
    PartnerLink,
    Contact,
    MeetingSeries,
    SeriesHost,
    OccurrenceChange,
    Meeting,
    Exchange,
    Agreement,
    Grant,
    GrantObligation,
)
_TOUCHED = "vanort.feeds_touched"
_READ_IN = "vanort.version_read"  # (transaction, Version): the version this transaction read
KEPT = 16  # values kept per name and process (windows, languages, roles)
T = TypeVar("T")
PROCESS_STARTED = datetime.now(UTC)  # this code, config and catalogues serve from now on


@dataclass(frozen=True)
class Version:
    """The data version as feeds use it: a cache key and a Last-Modified."""

    key: str
    changed_at_ms: int  # Unix milliseconds

    def last_modified(self, now: datetime) -> datetime:
        """Return Last-Modified, never later than `now` (RFC 9110 8.8.2.1).

        A feed also changes, with no data changed, when the year turns (it looks back and
        ahead by whole years) and when this process starts (new code, translations or
        PUBLIC_BASE_URL): Last-Modified is the latest of the three, so a client asking
        only If-Modified-Since never keeps a stale feed.
        """
        changed = datetime.fromtimestamp(self.changed_at_ms // 1000, UTC)
        new_year = datetime(now.year, 1, 1, tzinfo=UTC)
        latest = max(changed, new_year, PROCESS_STARTED.replace(microsecond=0))
        return min(latest, now.replace(microsecond=0))


def current() -> Version:
    """Return the data version (creating the row on first use).

    Read once per transaction: a request's pages, panels and index all key by the one
    version it began with (a change committed meanwhile is seen by the next request).
    """
    session = db.session()
    read = session.info.get(_READ_IN)
    transaction = session.get_transaction()
    if read is not None and transaction is not None and read[0] is transaction:
        return read[1]
    found = _current()
    transaction = session.get_transaction()  # the read began it, if none was open
    if transaction is not None and not session.info.get(_TOUCHED):
        session.info[_READ_IN] = (transaction, found)
    return found


def _current() -> Version:
    row = db.session.execute(
        sa.select(DataVersion.version, DataVersion.changed_at, DataVersion.epoch).where(
            DataVersion.id == 1
        )
    ).first()
    if row is None:  # only if migrations did not make it (they do)
        ensure(db.session.connection())
        row = db.session.execute(
            sa.select(DataVersion.version, DataVersion.changed_at, DataVersion.epoch)
        ).one()
    return Version(key=f"{row.epoch}.{row.version}", changed_at_ms=int(row.changed_at))


def kept(name: str, key: Hashable, build: Callable[[], T], *, size: int = KEPT) -> T:
    """Return `build()`, kept per process by the data version, the UTC day and `key`.

    For what is made only from rows the version counts (`TRACKED`) and from `key` (the
    language, the window, the reader's role...): a change committed anywhere moves the
    version, so nothing stale is served, and the day moves what is measured from today.
    The value must hold no database objects (they belong to one session). A session
    holding its own uncommitted change builds afresh. Each `name` keeps its `size` latest.
    """
    if uncommitted(db.session()):
        return build()
    memo = current_app.extensions.setdefault(f"vanort.kept.{name}", Memo(size))
    return memo.get((current().key, utcnow().date(), key), build)


def kept_html(name: str, key: Hashable, render: Callable[[], str], *, size: int = KEPT) -> Markup:
    """Return a piece of a page rendered once per data version, day, language and `key`.

    For a list whose every word comes from rows the version counts (`kept`) and from the
    key: nothing of the reader's own (a form's CSRF token, a flash, the account) may be in
    it. The page's address in the reader's language (?lang=) and the site's root are part
    of the key, since its links carry them.
    """
    # `render` is a template's autoescaped output, kept as the str it was.
    return Markup(kept(name, (reader_key(), key), lambda: str(render()), size=size))  # noqa: S704


def reader_key() -> tuple:
    """Return what a kept page part depends on of the request: the reader's language, the
    language the address asks for (its links carry ?lang=) and the site's root."""
    from app.i18n import current_language

    return (current_language(), g.get("explicit_lang"), request.script_root)


def _read_statement(with_token: bool) -> sa.Select:
    table, tokens = DataVersion.__table__, FeedToken.__table__
    active = sa.literal(False)
    if with_token:
        active = (
            sa.exists()
            .where(tokens.c.token_hash == sa.bindparam("token_hash"), tokens.c.revoked_at.is_(None))
            .correlate(None)
        )
    return sa.select(
        table.c.version, table.c.changed_at, table.c.epoch, active.label("active")
    ).where(table.c.id == 1)


# Built once: the fast path runs one of them on every conditional feed request.
_READ = {False: _read_statement(False), True: _read_statement(True)}
_COMPILED: dict[tuple[str, str, bool], tuple[str, dict, tuple[str, ...] | None]] = {}


def _compiled_read(dialect: sa.Dialect, with_token: bool):
    """Return the read's SQL for this dialect, its parameters, and their order if positional."""
    key = (dialect.name, dialect.paramstyle, with_token)
    if key not in _COMPILED:
        compiled = _READ[with_token].compile(dialect=dialect)
        params = compiled.construct_params({"token_hash": ""} if with_token else None)
        order = tuple(compiled.positiontup) if compiled.positional else None
        _COMPILED[key] = (compiled.string, params, order)
    return _COMPILED[key]


def read(dbapi_connection, dialect: sa.Dialect, token_hash: str | None = None):
    """Return the data version, and whether an unrevoked token has this hash, in one statement.

    For the feeds' fast path (`app.calendar.fastpath`): the statement compiled once, run on
    a pooled DBAPI connection, with no ORM session and no SQLAlchemy result (a fifth of
    the cost); without a token the second value is False. None if the row is missing.
    """
    sql, params, order = _compiled_read(dialect, token_hash is not None)
    if token_hash is not None:
        params = {**params, "token_hash": token_hash}
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, params if order is None else tuple(params[n] for n in order))
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        return None
    number, changed_at, epoch, active = row
    return Version(key=f"{epoch}.{number}", changed_at_ms=int(changed_at)), bool(active)


def ensure(conn: sa.Connection) -> None:
    """Store the version row if it is missing, with an epoch of its own."""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(
        DataVersion
    )
    conn.execute(
        insert.values(
            id=1, version=0, changed_at=_now_ms(), epoch=secrets.token_hex(8)
        ).on_conflict_do_nothing()
    )


def new_epoch(conn: sa.Connection) -> None:
    """Start the version afresh, as for a new database (tests that empty the tables, a
    restore). Its change time moves on as `bump` moves it: a restored archive's older
    time would send Last-Modified back, and a client asking If-Modified-Since would keep
    its copy of the data before the restore."""
    table = DataVersion.__table__
    conn.execute(
        table.update().values(version=0, epoch=secrets.token_hex(8), changed_at=_moved_on())
    )
    ensure(conn)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _moved_on() -> sa.ColumnElement:
    """Return changed_at moved on: now, or a millisecond past the last change if later."""
    now = _now_ms()
    column = DataVersion.__table__.c.changed_at
    return sa.case((column >= now, column + 1), else_=sa.literal(now))


def bump(conn: sa.Connection) -> None:
    """Move the version on: +1, and changed_at to now or a millisecond past the last change."""
    table = DataVersion.__table__
    result = conn.execute(
        table.update()
        .where(table.c.id == 1)
        .values(version=table.c.version + 1, changed_at=_moved_on())
    )
    if result.rowcount == 0:
        ensure(conn)
        conn.execute(table.update().where(table.c.id == 1).values(version=table.c.version + 1))


def uncommitted(session: Session) -> bool:
    """Tell whether `session` holds a change a feed shows that the version does not yet count.

    Such a session must read the rows themselves: what is kept by version is without its
    own change until it commits.
    """
    return bool(session.info.get(_TOUCHED)) or _touches_feeds(session)


def _touches_feeds(session: Session) -> bool:
    for obj in chain(session.new, session.deleted):
        if isinstance(obj, TRACKED):
            return True
    return any(
        isinstance(obj, TRACKED)
        # A partner's themes are a collection of its own (a row in partner_theme); other
        # rows' collections (an exchange's sign-ups) are no part of what is kept.
        and session.is_modified(obj, include_collections=isinstance(obj, Partner))
        for obj in session.dirty
    )


@event.listens_for(Session, "before_flush")
def _note_change(session: Session, _context: object, _instances: object) -> None:
    if not session.info.get(_TOUCHED) and _touches_feeds(session):
        session.info[_TOUCHED] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    # Bumped at commit, after every other lock the transaction takes, so the one row is
    # held for the shortest time and never waited on while holding it (no deadlock).
    session.flush()
    if session.info.pop(_TOUCHED, False):
        bump(session.connection())


@event.listens_for(Session, "after_transaction_end")
def _forget_change(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:
        session.info.pop(_TOUCHED, None)
        session.info.pop(_READ_IN, None)
