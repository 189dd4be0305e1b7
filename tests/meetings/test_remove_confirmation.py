"""Taking a delegate off a meeting, an occurrence or a standing delegation asks first.

The list links to a confirmation page that says what follows (a cancellation mail or
none); only its POST button removes anyone.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.meetings import delegates, services
from app.meetings.models import Delegate, StandingDelegate
from app.meetings.occurrences import series_occurrences
from app.timeutil import utcnow
from tests.factories import make_partner
from tests.meetings.factories import make_meeting, make_series


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _confirm_then_remove(client, list_page: str, remove: str, model, *expected: str) -> None:
    page = client.get(list_page).text
    assert f'action="{remove}"' not in page  # no one-click removal on the list
    assert f'href="{remove}"' in page
    before = _count(model)
    confirm = client.get(remove)
    assert confirm.status_code == 200
    for text in expected:
        assert text in confirm.text
    assert f'action="{remove}"' in confirm.text
    assert _count(model) == before  # looking removes nobody
    assert client.post(remove).status_code == 302
    assert _count(model) == before - 1


def test_removing_an_invited_meeting_delegate_is_confirmed_and_the_mail_announced(logged_in, smtp):
    meeting = make_meeting(make_partner("Chicago", country="US", timezone="America/Chicago"))
    anna = services.add_delegate(meeting, name="Anna Berg", email="anna@example.org")
    db.session.commit()
    assert logged_in.post(f"/admin/meetings/meeting/{meeting.id}/invite").status_code == 302
    _confirm_then_remove(
        logged_in,
        f"/admin/meetings/meeting/{meeting.id}",
        f"/admin/meetings/meeting/{meeting.id}/delegates/{anna.id}/delete",
        Delegate,
        "Ta bort Anna Berg?",
        "Anna Berg har bjudits in och får en avbokning",
    )


def test_removing_an_occurrence_delegate_not_yet_invited_says_no_mail_goes_out(logged_in):
    hosts = [make_partner("Turku", country="FI"), make_partner("Bergen", country="NO")]
    series = make_series(hosts)
    key = next(o.key for o in series_occurrences(series) if o.start > utcnow())
    john = delegates.add_occurrence_delegate(
        series, key, name="John Doe", email="john@example.org", language="en"
    )
    db.session.commit()
    page = f"/admin/meetings/series/{series.id}/occurrences/{key}"
    _confirm_then_remove(
        logged_in,
        page,
        f"{page}/delegates/{john.id}/delete",
        Delegate,
        "Ingen e-post skickas.",
    )


def test_leaving_the_standing_delegation_is_confirmed(logged_in):
    series = make_series([make_partner("Turku", country="FI"), make_partner("Bergen")])
    member = delegates.add_standing_delegate(series, name="Eva Ek", email="eva@example.org")
    db.session.commit()
    _confirm_then_remove(
        logged_in,
        f"/admin/meetings/series/{series.id}/delegation",
        f"/admin/meetings/series/{series.id}/delegation/{member.id}/delete",
        StandingDelegate,
        "Eva Ek (eva@example.org) lämnar den stående delegationen",
    )
