"""What /healthz and the coordinators' dashboard raise an alarm about.

A scheduler that died unnoticed sends nothing, and a mail server that refuses every
connection loses nothing but delays everything: both must be noticed the same day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.extensions import db
from app.mail import FAILED, QUEUED, OutboxMail
from app.reminders.models import (
    HEARTBEAT_NAME,
    LEASE_NAME,
    SchedulerHeartbeat,
    SchedulerLease,
)
from app.timeutil import utcnow

HEARTBEAT_STALE = timedelta(minutes=5)
MAIL_FAILING = timedelta(hours=1)

# code -> the sentence shown to coordinators (and, in English, in /healthz)
ALARMS = {
    "database_unreachable": _l("The database cannot be reached."),
    "scheduler_never_ran": _l(
        "The scheduler has never run: no reminder or mail is being sent. "
        "Start it with “flask --app app scheduler”."
    ),
    "scheduler_stopped": _l(
        "The scheduler has not been heard from since %(since)s: no reminder or mail is "
        "being sent. Restart it."
    ),
    "mail_failing": _l("Mail has not been getting through since %(since)s. Check the mail server."),
}


@dataclass(frozen=True)
class Alarm:
    code: str
    since: datetime | None = None
    count: int = 0

    def message(self, when: str = "") -> str:
        sentence = str(ALARMS[self.code]) % {"since": when}
        if self.code == "mail_failing":
            waiting = ngettext("%(num)d mail is waiting.", "%(num)d mails are waiting.", self.count)
            sentence = f"{sentence} {waiting}"
        return sentence


@dataclass
class Health:
    database_ok: bool
    beat_at: datetime | None = None
    active: str | None = None  # the scheduler process holding the lease
    mail_queued: int = 0
    mail_failed: int = 0
    mail_failing_since: datetime | None = None
    alarms: list[Alarm] = field(default_factory=list)


def check(now: datetime | None = None) -> Health:
    """Return the state of the database, the scheduler and the outgoing mail."""
    now = now or utcnow()
    try:
        beat = db.session.get(SchedulerHeartbeat, HEARTBEAT_NAME)
        lease = db.session.get(SchedulerLease, LEASE_NAME)
        counts = dict(
            db.session.execute(
                sa.select(OutboxMail.status, sa.func.count())
                .where(OutboxMail.status.in_((QUEUED, FAILED)))
                .group_by(OutboxMail.status)
            ).all()
        )
        failing_since = db.session.scalar(
            sa.select(sa.func.min(OutboxMail.failing_since)).where(OutboxMail.status == QUEUED)
        )
    except Exception:  # the point of a health check is to say so, not to fail
        db.session.rollback()
        return Health(database_ok=False, alarms=[Alarm("database_unreachable")])
    health = Health(
        database_ok=True,
        beat_at=beat.beat_at if beat else None,
        active=lease.holder if lease and lease.expires_at > now else None,
        mail_queued=counts.get(QUEUED, 0),
        mail_failed=counts.get(FAILED, 0),
        mail_failing_since=failing_since,
    )
    if health.beat_at is None:
        health.alarms.append(Alarm("scheduler_never_ran"))
    elif now - health.beat_at > HEARTBEAT_STALE:
        health.alarms.append(Alarm("scheduler_stopped", since=health.beat_at))
    if failing_since is not None and now - failing_since > MAIL_FAILING:
        health.alarms.append(Alarm("mail_failing", since=failing_since, count=health.mail_queued))
    return health
