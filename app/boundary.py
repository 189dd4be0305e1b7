"""The transaction boundary: every request, job and command commits once, or not at all.

Views and jobs never commit or roll back themselves; services flush, raise a
`DomainError` and take their own locks. This module decides:

- a state-changing request on SQLite starts as the writer (BEGIN IMMEDIATE), because
  SQLite cannot turn a reading transaction into a writing one while another connection
  writes;
- a request whose view answers below 400 commits; an exception or an error answer rolls
  everything back, so a refused form leaves nothing half-saved;
- a job or CLI command runs inside `unit_of_work()`, with the same rule;
- mail queued by a request is never sent inside it: the scheduler's outbox job delivers
  it within seconds of the commit (woken by PostgreSQL's NOTIFY, elsewhere by a short
  poll), so no visitor waits on the SMTP server; a job or command, which has no visitor
  waiting, delivers its own mail right after its commit.

The shape is Indico's `RH.process`: one place commits, and only on success.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, request, session
from sqlalchemy.exc import SQLAlchemyError

from app.dbutil import SAFE_METHODS, begin_write_transaction
from app.extensions import db

log = logging.getLogger(__name__)


def _deliver_mail() -> None:
    from app.mail import deliver_committed

    try:
        deliver_committed()
    except Exception:  # the change is saved; the outbox sweep delivers what is left
        log.exception("delivering queued mail after the commit failed")
        db.session.rollback()


def _abandon() -> None:
    """Throw the session's transaction away, even one a failed commit left half-closed."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Run a job's or command's work as one transaction: commit on success, then send its mail.

    Never use it inside a request: a request must not wait on the SMTP server.
    """
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _deliver_mail()


def init_app(app: Flask) -> None:
    """Begin writers as writers, and finish every request with one commit or one rollback."""

    @app.before_request
    def _sqlite_writers_begin_immediate() -> None:
        if request.method not in SAFE_METHODS and db.engine.dialect.name == "sqlite":
            begin_write_transaction()

    @app.after_request
    def _finish_transaction(response: Response) -> Response:
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except SQLAlchemyError:
            log.exception("committing the request to %s failed", request.path)
            _abandon()
            session.pop("_flashes", None)  # a "saved" message must not outlive the failure
            from app.errors import UNCONFIRMED, error_response

            # The connection may have dropped after the database committed: say only what
            # is known, never "nothing was saved".
            return app.make_response(error_response(500, kind=UNCONFIRMED))
        # The mail it queued is the outbox job's to send (app.scheduler), not this request's.
        db.session.info.pop("outbox_committed", None)
        return response
