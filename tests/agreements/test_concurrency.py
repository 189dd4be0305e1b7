"""Two coordinators renewing the same term at once: one renewal, one clear refusal."""

import threading

import sqlalchemy as sa

from app.agreements.models import Agreement
from app.extensions import db
from tests.agreements.factories import make_agreement
from tests.factories import PASSWORD, make_coordinator


def test_two_simultaneous_renewals_make_one_term_and_one_refusal(app):
    agreement_id = make_agreement().id
    emails = ("first@example.org", "second@example.org")
    for email in emails:
        make_coordinator(email)
    db.session.remove()  # each thread has its own app context and session
    barrier = threading.Barrier(2)
    one_login_at_a_time = threading.Lock()
    statuses = []

    def renew(email):
        client = app.test_client()
        with one_login_at_a_time:
            client.post("/login", data={"email": email, "password": PASSWORD})
        barrier.wait()
        response = client.post(
            f"/admin/agreements/{agreement_id}/renew?lang=en", data={"signed_on": ""}
        )
        statuses.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=renew, args=(e,)) for e in emails]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(code for code, _ in statuses)
    assert codes == [302, 422]
    refusal = next(body for code, body in statuses if code == 422)
    assert "already been renewed" in refusal
    renewals = db.session.scalar(
        sa.select(sa.func.count()).select_from(Agreement).where(Agreement.renews_id.is_not(None))
    )
    assert renewals == 1
