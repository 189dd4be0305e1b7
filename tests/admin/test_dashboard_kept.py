"""The dashboard's panels kept per process by the data version show what they showed when
they were read afresh on every request, and a change committed by another worker shows
on the next dashboard."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app import create_app
from app.admin import dashboard
from app.agreements import panels as agreement_panels
from app.agreements import services as agreements
from app.agreements.models import Agreement
from app.extensions import db
from app.grants import panels as grant_panels
from app.grants import services as grants
from app.grants.models import FINAL_REPORT, INTERIM_REPORT
from app.meetings import occurrences
from app.meetings import panels as meeting_panels
from app.partners import panels as partner_panels
from app.partners import services as partners
from app.partners.models import PUBLIC_KINDS, Partner, Project
from app.partners.services import home_today
from app.timeutil import utcnow
from bench.benchlib.data import build
from tests.agreements.factories import make_agreement
from tests.conftest import _current_database
from tests.factories import make_partner
from tests.grants.factories import make_grant, make_obligation
from tests.meetings.factories import make_meeting, make_series


@pytest.fixture
def other_worker(app):
    """A second app on the same database with a memory of its own, as another worker."""
    other = create_app(_current_database[-1].config)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


# --- the panels as they were read before they were kept (the reference) ----------------


def old_project_activity(today: date, since: datetime) -> dict[int, date]:
    latest: dict[int, date] = {}
    rows = db.session.execute(sa.select(Project.partner_id, Project.starts_year, Project.ends_year))
    for partner_id, starts, ends in rows:
        if ends is not None:
            day = min(date(ends, 12, 31), today)
        elif starts is not None and starts <= today.year:
            day = today
        else:
            continue
        if starts is not None and starts > today.year:
            continue
        if partner_id not in latest or day > latest[partner_id]:
            latest[partner_id] = day
    return latest


def old_meeting_activity(today: date, since: datetime) -> dict[int, date]:
    from app.meetings.models import Meeting

    now = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    latest: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Meeting.partner_id, sa.func.max(Meeting.starts_at))
        .where(Meeting.starts_at < now, Meeting.cancelled_at.is_(None))
        .group_by(Meeting.partner_id)
    ).all()
    for partner_id, starts_at in rows:
        latest[partner_id] = starts_at.date()
    for held in occurrences.hosted_between(since, now, include_unpublished=True, ordered=False):
        day = held.start.date()
        if held.host_id not in latest or day > latest[held.host_id]:
            latest[held.host_id] = day
    return latest


def old_planned_meetings(today: date, until: datetime) -> dict[int, date]:
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    first: dict[int, datetime] = {}
    for held in occurrences.hosted_between(
        tomorrow, until, include_unpublished=True, ordered=False
    ):
        if held.start < tomorrow:
            continue
        if held.host_id not in first or held.start < first[held.host_id]:
            first[held.host_id] = held.start
    return {host_id: start.date() for host_id, start in first.items()}


def old_health(today: date) -> list[tuple]:
    """The partnership health rows as `dashboard.partnership_health` made them before."""
    sources = {
        partner_panels.project_activity: old_project_activity,
        meeting_panels.meeting_activity: old_meeting_activity,
        meeting_panels.planned_meetings: old_planned_meetings,
    }
    found = db.session.scalars(
        sa.select(Partner).where(Partner.kind.in_(PUBLIC_KINDS)).order_by(Partner.name)
    ).all()
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    since = tomorrow - relativedelta(years=3, days=1)
    best: dict[int, tuple[date, object]] = {}
    for source, label in dashboard.ACTIVITY_SOURCES:
        for partner_id, day in sources.get(source, source)(today, since).items():
            if partner_id not in best or day > best[partner_id][0]:
                best[partner_id] = (day, str(label))
    until = tomorrow + relativedelta(years=3)
    coming: dict[int, tuple[date, object]] = {}
    for plans, label in dashboard.PLANNED_SOURCES:
        for partner_id, day in sources.get(plans, plans)(today, until).items():
            if partner_id not in coming or day < coming[partner_id][0]:
                coming[partner_id] = (day, str(label))
    limit = today - relativedelta(years=3)
    rows = []
    for p in found:
        last, source = best.get(p.id) or (None, None)
        nxt, next_source = coming.get(p.id) or (None, None)
        inactive = nxt is None and not (last is not None and last >= limit)
        rows.append((inactive, p.slug, p.name, last, source, nxt, next_source))
    rows.sort(key=lambda r: (not r[0], r[3] or date.min, r[2].casefold()))
    return rows


def health_rows(today: date) -> list[tuple]:
    return [
        (
            h.inactive(today),
            h.partner.slug,
            h.partner.name,
            h.last_activity,
            str(h.source) if h.source else None,
            h.next_activity,
            str(h.next_source) if h.next_source else None,
        )
        for h in dashboard.partnership_health(today)
    ]


@pytest.fixture
def busy(app):
    """The bench's data, and terms, projects and obligations of every kind the panels tell
    apart."""
    build(400)
    today = home_today()
    towns = [make_partner(f"Town {i}") for i in range(6)]
    # Terms: due soon, due with a longer lead, ended, unsigned, renewed, expired, not begun.
    ending = [today + timedelta(days=d) for d in (5, 60, 200, 260, 400)]
    for i, ends_on in enumerate(ending):
        make_agreement(towns[i], starts_on=ends_on - timedelta(days=900), ends_on=ends_on)
    make_agreement(
        towns[5], starts_on=today - timedelta(days=800), ends_on=ending[3], decision_lead_days=200
    )
    make_agreement(
        towns[0], starts_on=today - timedelta(days=900), ends_on=ending[0], signed_on=None
    )
    for back in (1, 40, 400, *range(50, 500, 40)):
        make_agreement(
            towns[1], starts_on=today - timedelta(days=1200), ends_on=today - timedelta(days=back)
        )
    old = make_agreement(
        towns[2], starts_on=today - timedelta(days=1300), ends_on=today - timedelta(days=10)
    )
    agreements.renew(old, signed_on=None)
    db.session.commit()
    # Projects: running, ended long ago, ending this year, planned, no start but an end.
    year = today.year
    for town, starts, ends in (
        (towns[0], year - 2, None),
        (towns[1], year - 9, year - 5),
        (towns[2], year - 1, year),
        (towns[3], year + 1, year + 2),
        (towns[4], None, year - 2),
        (towns[5], None, None),
        (towns[5], year + 2, None),
    ):
        partners.add_project(town, title_sv="P", title_en="P", starts_year=starts, ends_year=ends)
    db.session.commit()
    grant = make_grant(towns[0])
    for i in range(14):
        make_obligation(
            grant, FINAL_REPORT if i % 2 else INTERIM_REPORT, today + timedelta(days=7 * i - 20)
        )
    make_obligation(grant, FINAL_REPORT, today, done_on=today)
    # A meeting that ended earlier today (when today has begun long enough) and one that
    # runs now: the next meetings are those not over now.
    now = utcnow()
    start = max(now - timedelta(hours=3), datetime.combine(now.date(), time(0), tzinfo=UTC))
    for minutes in (1, 60 * 5):
        make_meeting(
            towns[3],
            timezone="UTC",
            start_date=start.date(),
            start_time=start.time().replace(second=0, microsecond=0),
            end_time=min(
                (start + timedelta(minutes=minutes)).time().replace(second=0, microsecond=0),
                time(23, 59),
            ),
            published=False,
        )
    return today


def test_the_kept_panels_show_the_rows_and_counts_read_afresh(app, busy):
    today = busy
    with app.test_request_context("/admin/?lang=en"):
        for _ in range(2):  # built, then kept
            decisions = agreement_panels.decisions_due(today, 180)
            due = agreements.decisions_due(today, 180)
            assert decisions.total == len(due) and decisions.total > 10
            expected = sorted(
                due, key=lambda d: (d.decision_on, d.agreement.ends_on, d.agreement.id)
            )
            assert [(d.agreement.id, d.decision_on, d.days_left) for d in decisions.rows] == [
                (d.agreement.id, d.decision_on, d.days_left) for d in expected[:10]
            ]
            assert [d.agreement.status(today) for d in decisions.rows] == [
                d.agreement.status(today) for d in expected[:10]
            ]
            assert decisions.rows[0].agreement.partner.name == expected[0].agreement.partner.name

            expired = agreement_panels.expired_agreements(today)
            gone = sorted(
                agreements.expired_agreements(today), key=lambda a: (a.ends_on, a.id), reverse=True
            )
            assert expired.total == len(gone) and expired.more == len(gone) - 10 > 0
            assert [(a.id, a.title, a.partner.name, a.ends_on) for a in expired.rows] == [
                (a.id, a.title, a.partner.name, a.ends_on) for a in gone[:10]
            ]

            panel = grant_panels.grant_deadlines(today)
            open_ = grants.due_obligations(today, 90)
            assert [
                (o.id, o.kind, o.due_on, o.grant.title, o.grant.programme)
                for o in panel["obligations"]
            ] == [(o.id, o.kind, o.due_on, o.grant.title, o.grant.programme) for o in open_[:10]]
            assert panel["more"] == len(open_) - 10 > 0

            shown = meeting_panels.upcoming_meetings(today)["occurrences"]
            fresh = occurrences.upcoming_occurrences(utcnow(), limit=8, include_unpublished=True)
            assert [(o.uid, o.title, o.start, o.host and o.host.name) for o in shown] == [
                (o.uid, o.title, o.start, o.host and o.host.name) for o in fresh
            ]

            assert health_rows(today) == old_health(today)
            since = datetime.combine(today, time(0), tzinfo=UTC) - relativedelta(years=3)
            assert partner_panels.project_activity(today, since) == old_project_activity(
                today, since
            )


def test_the_dashboard_page_is_the_same_built_and_kept(app, logged_in, busy):
    def page() -> str:
        html = logged_in.get("/admin/?lang=en").get_data(as_text=True)
        return re.sub(r'(nonce|value)="[^"]*"', "", html)

    page()  # the login's message shown
    for name in [n for n in app.extensions if n.startswith("vanort.kept.dashboard")]:
        del app.extensions[name]
    built = page()
    assert 'data-more="decisions"' in built and 'data-more="expired"' in built
    assert "data-obligation=" in built and 'data-partner="town-3"' in built
    assert page() == built


def shown_on_dashboard(client) -> str:
    return client.get("/admin/?lang=en").get_data(as_text=True)


def test_a_change_another_worker_commits_shows_on_the_next_dashboard(logged_in, other_worker):
    today = home_today()
    lyon = make_partner("Lyon")
    bergen = make_partner("Bergen")
    shown_on_dashboard(logged_in)
    page = shown_on_dashboard(logged_in)  # kept by now
    assert 'data-partner="bergen" data-inactive="true"' in page

    with other_worker.app_context():
        theirs = db.session.get(Partner, lyon.id)
        due = make_agreement(
            theirs, starts_on=today - timedelta(days=900), ends_on=today + timedelta(days=30)
        )
        gone = make_agreement(
            theirs, starts_on=today - timedelta(days=900), ends_on=today - timedelta(days=3)
        )
        obligation = make_obligation(make_grant(theirs), FINAL_REPORT, today + timedelta(days=5))
        meeting = make_meeting(
            db.session.get(Partner, bergen.id), start_date=today + timedelta(days=20)
        )
        ids = due.id, gone.id, obligation.id, meeting.public_id
        db.session.get(Partner, lyon.id).name = "Lyon Métropole"
        db.session.commit()

    page = shown_on_dashboard(logged_in)
    decisions = page.split('id="decisions-due"')[1].split("</section>")[0]
    assert f'data-agreement="{ids[0]}"' in decisions and "Lyon Métropole" in decisions
    assert f'data-agreement="{ids[1]}"' in page.split('id="expired"')[1].split("</section>")[0]
    assert f'data-obligation="{ids[2]}"' in page
    assert f"/meetings/{ids[3]}" in page.split('id="panel-upcoming_meetings"')[1]
    assert 'data-partner="bergen" data-inactive' not in page  # a meeting is planned

    with other_worker.app_context():  # a project alone moves the version too
        partners.add_project(
            db.session.get(Partner, bergen.id), title_sv="P", title_en="P", starts_year=today.year
        )
        db.session.commit()
    page = shown_on_dashboard(logged_in)
    bergen_row = page.split('data-partner="bergen"')[1].split("</tr>")[0]
    assert "(project)" in bergen_row
    with other_worker.app_context():
        db.session.delete(db.session.get(Agreement, ids[0]))
        db.session.commit()
    assert f'data-agreement="{ids[0]}"' not in shown_on_dashboard(logged_in)


def test_a_series_another_worker_adds_shows_in_the_next_meetings(logged_in, other_worker):
    today = home_today()
    aarhus = make_partner("Aarhus")
    assert "No meetings are planned." in shown_on_dashboard(logged_in)
    with other_worker.app_context():
        series = make_series(
            [db.session.get(Partner, aarhus.id)], first_date=today + timedelta(days=10)
        )
        public_id = series.public_id
    page = shown_on_dashboard(logged_in)
    assert f"/meetings/{public_id}" in page.split('id="panel-upcoming_meetings"')[1]
    assert 'data-partner="aarhus" data-inactive' not in page


def test_a_sessions_own_uncommitted_change_is_seen_by_that_session(app, logged_in):
    today = home_today()
    partner = make_partner("Turku")
    grant = make_grant(partner)
    shown_on_dashboard(logged_in)  # kept
    with app.test_request_context("/admin/"):
        agreement = agreements.create_agreement(
            partner,
            kind="memorandum",
            title="Unsaved",
            starts_on=today - timedelta(days=900),
            ends_on=today + timedelta(days=10),
            signed_on=today - timedelta(days=901),
        )
        db.session.flush()
        assert agreement.id in {
            d.agreement.id for d in agreement_panels.decisions_due(today, 180).rows
        }
        unsaved = grants.add_obligation(grant, kind=FINAL_REPORT, due_on=today, log=False)
        db.session.flush()
        assert unsaved.id in {o.id for o in grant_panels.grant_deadlines(today)["obligations"]}
        db.session.rollback()


def open_now(now: datetime, today: date) -> tuple[list, int]:
    from app.exchanges import queries

    found = queries.open_exchanges(now, limit=10, today=today)
    return [
        (e.id, e.title_en, e.partner.name, e.places) for e in found
    ], queries.count_open_exchanges(now, today)


def test_open_exchanges_closing_during_the_day_leave_the_kept_panel(app, monkeypatch):
    from app.exchanges import panels as exchange_panels
    from tests.exchanges.factories import make_exchange

    today = home_today()
    day = utcnow().date()
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    lyon = make_partner("Lyon")
    first = today + timedelta(days=40)
    for i in range(14):
        closes = midnight + timedelta(hours=2 * i + 1) if i < 8 else midnight + timedelta(days=9)
        make_exchange(
            lyon,
            starts_on=first + timedelta(days=i),
            signup_opens_at=midnight - timedelta(days=3),
            signup_closes_at=closes,
        )
    make_exchange(lyon, starts_on=first, status="draft")
    with app.test_request_context("/admin/?lang=en"):
        for hours in (0, 2, 5, 11, 16, 23):
            moment = midnight + timedelta(hours=hours, minutes=30)
            monkeypatch.setattr(exchange_panels, "utcnow", lambda m=moment: m)
            panel = exchange_panels.open_exchanges(today)
            shown = [(e.id, e.title_en, e.partner.name, e.places) for e in panel["exchanges"]]
            expected, total = open_now(moment, today)
            assert (shown, panel["more"]) == (expected, total - len(expected)), hours


def test_places_left_follow_sign_ups_another_worker_commits(logged_in, other_worker):
    from app.exchanges.models import Exchange
    from tests.exchanges.factories import make_exchange, make_signup

    exchange = make_exchange(make_partner("Lyon"), places=30)
    shown_on_dashboard(logged_in)
    assert "30 of 30" in shown_on_dashboard(logged_in)
    with other_worker.app_context():
        make_signup(db.session.get(Exchange, exchange.id), pupils=4)
    assert "26 of 30" in shown_on_dashboard(logged_in)
