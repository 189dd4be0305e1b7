"""The transaction boundary: a request or job commits once on success, or nothing at all."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import flash, redirect

from app.boundary import unit_of_work
from app.extensions import db
from app.mail import OutboxMail, queue_mail
from app.partners.models import Partner

pytestmark = pytest.mark.fresh_app  # adds routes, which a served application refuses


def _partner(slug: str) -> Partner:
    partner = Partner(name=slug.title(), slug=slug, kind="partner_city")
    db.session.add(partner)
    db.session.flush()
    return partner


def _saved(slug: str) -> bool:
    db.session.rollback()
    return db.session.scalar(sa.select(Partner.id).where(Partner.slug == slug)) is not None


@pytest.fixture
def views(app):
    """Routes that change data and answer in each of the ways a real view does."""

    def redirected():
        _partner("saved")
        queue_mail(key="boundary-ok", to="a@example.org", subject="ok", text="ok")
        flash("Saved.", "success")
        return redirect("/")

    def refused():
        _partner("refused")
        queue_mail(key="boundary-refused", to="b@example.org", subject="no", text="no")
        return "the form again, with its errors", 422

    def raised():
        _partner("raised")
        raise RuntimeError("a bug")

    def commit_fails():
        _partner("twice")
        db.session.add(Partner(name="Twice", slug="twice", kind="partner_city"))
        flash("Saved.", "success")
        return redirect("/")

    def plain():
        _partner("plain")
        return redirect("/")

    for view in (redirected, refused, raised, commit_fails, plain):
        app.add_url_rule(f"/_boundary/{view.__name__}", view.__name__, view, methods=["POST"])
    return app


def test_a_view_that_answers_with_a_redirect_commits_and_then_sends_its_mail(views, client, smtp):
    assert client.post("/_boundary/redirected").status_code == 302
    assert _saved("saved")
    assert [m["Subject"] for m in smtp.wait_for(1)] == ["ok"]


def test_an_error_answer_saves_nothing_and_sends_nothing(views, client, smtp):
    assert client.post("/_boundary/refused").status_code == 422
    assert not _saved("refused")
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0
    assert smtp.wait_for(1, timeout=0.5) == []


def test_an_exception_in_a_view_answers_500_and_saves_nothing(views, client):
    assert client.post("/_boundary/raised").status_code == 500
    assert not _saved("raised")


def test_a_commit_that_fails_answers_500_and_forgets_the_saved_message(views, client):
    response = client.post("/_boundary/commit_fails")
    assert response.status_code == 500
    assert not _saved("twice")
    with client.session_transaction() as session:
        assert "_flashes" not in session


def test_a_unit_of_work_commits_on_success(app):
    with unit_of_work():
        _partner("job")
    assert _saved("job")


def test_a_unit_of_work_rolls_back_when_the_job_fails(app):
    with pytest.raises(RuntimeError), unit_of_work():
        _partner("failed-job")
        raise RuntimeError("the job broke")
    assert not _saved("failed-job")


def test_a_commit_that_fails_after_the_database_committed_does_not_claim_nothing_was_saved(
    views, client
):
    """When the connection drops after COMMIT, the answer says only what is known."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def drop_after_commit(session):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    event.listen(Session, "after_commit", drop_after_commit)
    try:
        response = client.post("/_boundary/plain", headers={"Accept-Language": "en"})
    finally:
        event.remove(Session, "after_commit", drop_after_commit)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Nothing was saved" not in page
    assert "may or may not have been saved" in page
    assert _saved("plain")
