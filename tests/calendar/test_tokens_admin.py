"""Coordinators make, list and revoke private feed addresses under /admin/calendar/."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.audit import AuditEntry
from app.calendar.models import FeedToken
from app.extensions import db


def _csrf(html: str) -> str:
    """Return the page's CSRF token (the suite runs with CSRF checks off, as tests do)."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return found.group(1) if found else ""


def test_a_coordinator_makes_an_address_sees_it_once_and_revokes_it(client, logged_in):
    page = client.get("/admin/calendar/tokens?lang=en")
    assert page.status_code == 200
    assert "No private feed addresses yet." in page.text
    posted = client.post(
        "/admin/calendar/tokens?lang=en",
        data={"csrf_token": _csrf(page.text), "label": "Mayor's office"},
    )
    assert posted.status_code == 302  # a reload of the next page makes no second address
    made = client.get(posted.headers["Location"])
    assert made.headers["Cache-Control"] == "no-store"
    url = re.search(r'id="new-feed-url" readonly value="([^"]+)"', made.text).group(1)
    path = "/" + url.split("/", 3)[3]
    assert path.startswith("/calendar/private/") and path.endswith(".ics")
    assert 'href="webcal://' in made.text
    assert client.get(path).status_code == 200

    listing = client.get("/admin/calendar/tokens?lang=en")
    secret = path.removeprefix("/calendar/private/").removesuffix(".ics")
    assert secret not in listing.text  # shown once only
    assert secret[:6] in listing.text and "Mayor&#39;s office" in listing.text
    token = db.session.scalars(sa.select(FeedToken)).one()
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    assert entries and all(
        secret not in str(e.after) and token.token_hash not in str(e.after) for e in entries
    )

    revoked = client.post(
        f"/admin/calendar/tokens/{token.id}/revoke?lang=en",
        data={"csrf_token": _csrf(listing.text)},
        follow_redirects=True,
    )
    assert "no longer works" in revoked.text
    assert client.get(path).status_code == 404
    again = client.post(
        f"/admin/calendar/tokens/{token.id}/revoke?lang=en",
        data={"csrf_token": _csrf(listing.text)},
        follow_redirects=True,
    )
    assert "already been revoked" in again.text


def test_an_address_needs_a_label_said_in_the_users_language(client, logged_in):
    page = client.get("/admin/calendar/tokens")
    answer = client.post(
        "/admin/calendar/tokens?lang=sv", data={"csrf_token": _csrf(page.text), "label": "  "}
    )
    assert answer.status_code == 422
    assert "Ange vem eller vad flödet är till för." in answer.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedToken)) == 0


def test_strangers_cannot_see_or_make_addresses(client):
    assert client.get("/admin/calendar/tokens").status_code == 302
    assert client.post("/admin/calendar/tokens", data={"label": "x"}).status_code in (302, 400)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedToken)) == 0
    assert client.post("/admin/calendar/tokens/1/revoke").status_code in (302, 400)
