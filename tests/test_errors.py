import pytest
import sqlalchemy as sa
from flask import Blueprint

from app.errors import abort_with
from app.extensions import db
from app.partners.models import Partner
from tests.factories import make_partner


def add_routes(app):
    bp = Blueprint("boom", __name__)

    @bp.get("/_test/boom")
    def boom():
        make_partner("Half saved")  # committed by the factory: not what a view does
        db.session.add(Partner(name="Never saved", slug="never-saved", kind="partner_city"))
        db.session.flush()
        raise RuntimeError("boom")

    @bp.get("/_test/forbidden")
    def forbidden():
        abort_with(403, "Only the office may do this.")

    @bp.get("/_test/api-bad")
    def api_bad():
        abort_with(422, "from must be a date")

    app.register_blueprint(bp)
    app.add_url_rule("/api/v1/_test/bad", view_func=api_bad)


@pytest.mark.fresh_app
def test_unexpected_error_is_a_500_page_in_the_visitors_language_and_rolls_back(app, client):
    add_routes(app)
    response = client.get("/_test/boom?lang=en")
    assert response.status_code == 500
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    names = set(db.session.scalars(sa.select(Partner.name)))
    assert "Never saved" not in names


@pytest.mark.fresh_app
def test_500_page_is_swedish_by_default(app, client):
    add_routes(app)
    assert "Något gick fel" in client.get("/_test/boom").get_data(as_text=True)


@pytest.mark.fresh_app
def test_403_shows_the_translated_reason(app, client):
    add_routes(app)
    response = client.get("/_test/forbidden")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Ej tillåtet" in html and "Only the office may do this." in html


@pytest.mark.fresh_app
def test_api_errors_are_json(app, client):
    add_routes(app)
    response = client.get("/api/v1/_test/bad")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "from must be a date"


def test_method_not_allowed_is_a_page_not_a_crash(client):
    assert client.post("/partners/").status_code == 405


def test_a_nul_character_in_a_form_is_refused_with_a_message(client):
    response = client.post("/login?lang=en", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert "not allowed (NUL)" in response.get_data(as_text=True)


def test_a_nul_character_in_a_search_is_refused_in_swedish(client):
    response = client.get("/partners/?q=G%C3%B6teborg%00")
    assert response.status_code == 400
    assert "inte är tillåtet (NUL)" in response.get_data(as_text=True)
