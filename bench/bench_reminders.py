"""Figure 5: the reminder sweep over 100,000 agreements, meetings, grant obligations and
sign-ups (target: under 1 s), and its time with ten times fewer rows and about as many
due (target: the time per reminder due about the same: the sweep's time grows with what
is due, not with what exists).

SQLite in a temporary folder; rows are inserted in bulk, most of them years away from
`now`, and the same few hundred close to it. The sweep runs for real (records reminders,
queues mail) on a copy of the state each time: it is timed once per data size.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import machine, make_app, verdict

DUE_EACH = 40  # rows of each kind whose reminders fall due at `now`
TARGET_S = 1.0


def fill(total: int, now: datetime) -> None:
    """Insert about `total` rows: a quarter each of agreements, meetings, obligations,
    sign-ups; DUE_EACH of each near `now`, the rest spread over ten years away from it."""
    import sqlalchemy as sa

    from app.agreements.models import MEMORANDUM, Agreement
    from app.auth.services import create_coordinator
    from app.exchanges import models as xm
    from app.extensions import db
    from app.grants.models import Grant, GrantObligation
    from app.meetings.models import Meeting
    from app.partners.models import HOME, PARTNER_CITY, Partner

    quarter = total // 4
    db.session.add(Partner(slug="home", kind=HOME, name="Göteborg", timezone="Europe/Stockholm"))
    partner = Partner(slug="p", kind=PARTNER_CITY, name="Bergen", timezone="Europe/Oslo")
    db.session.add(partner)
    create_coordinator("bench@example.org", "bench-password-1")
    db.session.flush()
    today = now.date()

    def far(k: int) -> int:  # days away from today: 200 to 3,800, before or after
        return (200 + k % 3600) * (1 if k % 2 else -1)

    def offset(k: int) -> int:  # the due rows: 0 to 30 days ahead, the rules' leads
        return k % 31

    agreements = []
    for k in range(quarter):
        days = offset(k) if k < DUE_EACH else far(k)
        ends = today + timedelta(days=days)
        agreements.append(
            {
                "partner_id": partner.id,
                "kind": MEMORANDUM,
                "title": f"Avtal {k}",
                "signed_on": ends - timedelta(days=3 * 365 + 30),
                "starts_on": ends - timedelta(days=3 * 365),
                "ends_on": ends,
            }
        )
    db.session.execute(sa.insert(Agreement), agreements)
    meetings = []
    for k in range(quarter):
        days = offset(k) if k < DUE_EACH else far(k)
        start = now.replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=days)
        meetings.append(
            {
                "title_sv": f"Möte {k}",
                "title_en": f"Meeting {k}",
                "partner_id": partner.id,
                "timezone": "Europe/Oslo",
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "published": True,
            }
        )
    db.session.execute(sa.insert(Meeting), meetings)
    grant = Grant(programme="ICLD", title="Bidrag", amount=Decimal(1), currency="SEK")
    db.session.add(grant)
    db.session.flush()
    kinds = ("application", "interim_report", "final_report", "payment")
    obligations = [
        {
            "grant_id": grant.id,
            "kind": kinds[k % 4],
            "due_on": today + timedelta(days=offset(k) if k < DUE_EACH else far(k)),
        }
        for k in range(quarter)
    ]
    db.session.execute(sa.insert(GrantObligation), obligations)
    # Sign-ups: 100 per exchange; the first exchanges close and start soon.
    exchanges = []
    n_exchanges = max(1, quarter // 100)
    for k in range(n_exchanges):
        days = offset(k) if k < 1 else far(k)  # one exchange of 100 sign-ups is due
        starts = today + timedelta(days=days + 10)
        exchanges.append(
            {
                "partner_id": partner.id,
                "title_sv": f"Utbyte {k}",
                "starts_on": starts,
                "ends_on": starts + timedelta(days=5),
                "places": 10000,
                "status": xm.OPEN,
                "signup_opens_at": now + timedelta(days=days - 60),
                "signup_closes_at": now + timedelta(days=days),
            }
        )
    db.session.execute(sa.insert(xm.Exchange), exchanges)
    ids = db.session.scalars(sa.select(xm.Exchange.id).order_by(xm.Exchange.id)).all()
    db.session.execute(
        sa.insert(xm.School),
        [
            {"name": f"Skola {k}", "name_key": f"skola {k}", "contact_email": f"s{k}@ex.org"}
            for k in range(100)
        ],
    )
    schools = db.session.scalars(sa.select(xm.School.id).order_by(xm.School.id)).all()
    db.session.execute(
        sa.insert(xm.Signup),
        [
            {
                "exchange_id": ids[k // 100],
                "school_id": schools[k % 100],
                "contact_name": "Anna",
                "contact_email": f"s{k}@ex.org",
                "pupils": 2,
                "teachers": 1,
                "status": xm.CONFIRMED,
                "token_nonce": f"n{k}",
            }
            for k in range(len(ids) * 100)
        ],
    )
    db.session.commit()


def measure(total: int, tmp: Path) -> tuple[float, int, int]:
    from app.boundary import unit_of_work
    from app.extensions import db
    from app.reminders.services import run_sweep

    app = make_app(f"sqlite:///{tmp}/rem-{total}.db", tmp / f"r{total}")
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        fill(total, now)
        with unit_of_work():  # its mail is sent after the commit: not timed
            start = time.perf_counter()
            report = run_sweep(now)
            db.session.flush()
            elapsed = time.perf_counter() - start
        outcomes = len(report.outcomes)
        db.engine.dispose()
    return elapsed, outcomes, total


def main() -> None:
    logging.disable(logging.WARNING)  # the mail, undeliverable here, says so per message
    print(f"== Reminder sweep (figure 5), SQLite, {machine()}")
    print(f"{'rows':>8} {'reminders':>10} {'sweep s':>8} {'target':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(10_000, Path(tmp))
        large = measure(100_000, Path(tmp))
    for elapsed, outcomes, total in (small, large):
        judged = total >= 100_000
        print(
            f"{total:>8} {outcomes:>10} {elapsed:>8.3f} {'< 1 s':>8}"
            + (f"  {verdict(elapsed < TARGET_S)}" if judged else "")
        )
    growth = large[0] / small[0]
    # The spread-out rows bring some reminders due of their own (an agreement's decision
    # 180 days ahead), so the sizes differ a little in what is due: judge the time per
    # reminder due, which stays flat when the time grows with what is due.
    per_due = (large[0] / max(1, large[1])) / (small[0] / max(1, small[1]))
    print(
        f"10x the rows: {growth:.2f}x the time, {large[1]} reminders due against {small[1]};"
        f" per reminder due {per_due:.2f}x (target: about 1x, not 10x)  {verdict(per_due < 2)}"
    )


if __name__ == "__main__":
    main()
