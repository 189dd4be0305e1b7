"""Every /admin/ route refuses an anonymous visitor, and every POST needs a CSRF token."""

import re

import pytest
import sqlalchemy as sa

from app.agreements.models import Agreement
from app.extensions import db
from tests.agreements.factories import make_agreement
from tests.factories import make_partner


def admin_routes(app):
    """Yield (url, method) for every /admin/ rule, with ids filled in."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        url = re.sub(r"<(?:int:)?\w+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield url, method


def test_the_url_map_has_admin_routes_for_every_part_of_the_workspace(app):
    urls = {url for url, _ in admin_routes(app)}
    for expected in (
        "/admin/",
        "/admin/agreements/",
        "/admin/partners/",
        "/admin/networks/",
        "/admin/projects/",
        "/admin/contacts/",
        "/admin/audit/",
    ):
        assert expected in urls


def test_every_admin_route_sends_an_anonymous_visitor_to_login(app, client):
    make_agreement(make_partner())
    checked = 0
    for url, method in admin_routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
        checked += 1
    assert checked > 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1


@pytest.fixture
def csrf_client(app, client, auth, coordinator):
    auth.login(coordinator.email)
    app.config["WTF_CSRF_ENABLED"] = True
    return client


def test_every_admin_post_without_a_csrf_token_is_refused(app, csrf_client):
    agreement = make_agreement(make_partner())
    posts = [url for url, method in admin_routes(app) if method == "POST"]
    assert len(posts) >= 10
    for url in posts:
        url = (
            url.replace("/1", f"/{agreement.id}")
            if "agreements" in url
            else url.replace("/1", f"/{agreement.partner_id}")
        )
        response = csrf_client.post(url, data={"title": "x", "reason": "x", "name": "x"})
        assert response.status_code == 400, url
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1
    assert db.session.get(Agreement, agreement.id).renewed_by is None
