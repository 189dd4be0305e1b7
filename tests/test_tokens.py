"""Secret links: a sign-up's, a delegate's reply and a private feed's stop working when
cancelled, removed or revoked, and never reach the logs, gunicorn's access log included."""

from __future__ import annotations

import urllib.error
import urllib.request

from app.calendar import tokens
from app.exchanges import services as exchanges
from app.exchanges.links import signup_path, signup_token
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.replies import reply_token
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner
from tests.meetings.factories import make_meeting
from tests.servers import Gunicorn


def _feed(app):
    token, secret = tokens.create_token("Anna's phone", None)
    db.session.commit()
    return token, f"/calendar/private/{secret}.ics"


def _delegate():
    meeting = make_meeting(make_partner())
    delegate = meetings.add_delegate(meeting, name="Delegate", email="delegate@example.org")
    db.session.commit()
    return meeting, delegate


def test_a_revoked_feed_address_answers_404(app, client):
    token, path = _feed(app)
    assert client.get(path).status_code == 200
    tokens.revoke(db.session.merge(token))
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_schools_link_stops_working_once_the_school_cancelled(client):
    signup = make_signup(make_exchange())
    path = signup_path(signup)
    assert client.get(path).status_code == 200
    assert client.post(f"{path}/cancel").status_code == 303
    assert client.get(path).status_code == 404
    change = client.post(f"{path}/change", data={"students": "1", "teachers": "1"})
    assert change.status_code == 404


def test_a_schools_link_stops_working_once_the_office_cancelled(client):
    signup = make_signup(make_exchange())
    token = signup_token(signup)
    exchanges.cancel_signup(signup, reason="Dubbelbokning")
    db.session.commit()
    assert client.get(f"/signups/{token}").status_code == 404
    assert client.post(f"/signups/{token}/change", data={"students": "1"}).status_code == 404


def test_a_removed_delegates_reply_link_stops_working(client):
    _meeting, delegate = _delegate()
    token = reply_token(delegate)
    assert client.get(f"/meetings/replies/{token}").status_code == 200
    meetings.remove_delegate(delegate)
    db.session.commit()
    assert client.get(f"/meetings/replies/{token}").status_code == 410
    assert client.post(f"/meetings/replies/{token}", data={"answer": "yes"}).status_code == 410


def test_a_called_off_meetings_reply_link_takes_no_answer(client):
    meeting, delegate = _delegate()
    token = reply_token(delegate)
    meetings.cancel_meeting(meeting, reason="Inställt")
    db.session.commit()
    assert client.post(f"/meetings/replies/{token}", data={"answer": "yes"}).status_code == 410


def _get(url: str, referer: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_no_secret_reaches_gunicorns_access_log(app, tmp_path):
    _token, feed = _feed(app)
    signup = make_signup(make_exchange())
    school = signup_path(signup)
    _meeting, delegate = _delegate()
    reply = f"/meetings/replies/{reply_token(delegate)}"
    secrets = [feed.removeprefix("/calendar/private/").removesuffix(".ics")]
    secrets += [school.removeprefix("/signups/"), reply.removeprefix("/meetings/replies/")]
    secrets += [part for s in secrets[1:] for part in s.split(".")]
    access_log = tmp_path / "access.log"
    server = Gunicorn(
        app.config["DATABASE_URL"],
        tmp_path,
        secret=app.config["SECRET_KEY"],
        access_log=access_log,
    )
    try:
        server.wait_until_up()
        assert _get(server.url + feed) == 200
        assert _get(server.url + school + "?lang=en") == 200
        assert _get(server.url + school + "/cancel") == 200
        assert _get(server.url + reply) == 200
        # A page's style sheet, asked for by the school's page: the Referer names its link.
        assert _get(server.url + "/static/css/vanort.css", referer=server.url + school) == 200
        assert _get(server.url + "/login?next=" + school.replace("/", "%2F")) == 200
    finally:
        server.stop()
    log = access_log.read_text() + server.log.read_text()
    assert log.count("[redacted]") >= 6, log
    for secret in secrets:
        assert secret not in log, secret
