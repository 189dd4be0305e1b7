import re

import pytest

from app.api.openapi import document
from app.extensions import db
from tests.conftest import seed_demo


def test_partners_api_lists_public_partners_with_contract_fields(client):
    seed_demo("goteborg")
    db.session.commit()
    data = client.get("/api/v1/partners").get_json()
    by_slug = {p["slug"]: p for p in data}
    assert set(by_slug["shanghai"]) == {"slug", "name", "country", "kind", "since", "timezone"}
    assert by_slug["shanghai"] == {
        "slug": "shanghai",
        "name": "Shanghai",
        "country": "CN",
        "kind": "partner_city",
        "since": 1986,
        "timezone": "Asia/Shanghai",
    }
    assert "goteborg" not in by_slug


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_one_partner_by_its_slug(client, demo):
    response = client.get("/api/v1/partners/bergen")
    assert response.status_code == 200
    assert response.get_json() == {
        "slug": "bergen",
        "name": "Bergen",
        "country": "NO",
        "kind": "twin_town",
        "since": None,
        "timezone": "Europe/Oslo",
    }


@pytest.mark.parametrize("slug", ["nowhere", "goteborg", "BERGEN"])
def test_an_unknown_partner_is_a_json_404_in_the_language_asked_for(client, demo, slug):
    response = client.get(f"/api/v1/partners/{slug}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "error": {
            "status": 404,
            "title": "Page not found",
            "message": "There is no partner with this slug.",
        }
    }
    swedish = client.get(f"/api/v1/partners/{slug}?lang=sv").get_json()
    assert swedish["error"]["message"] == "Det finns ingen partner med den beteckningen."


def test_exchange_titles_follow_the_language(client, demo):
    english = client.get("/api/v1/exchanges?lang=en").get_json()
    swedish = client.get("/api/v1/exchanges", headers={"Accept-Language": "sv"}).get_json()
    assert english[0]["title"] == "Nordic youth exchange in Aarhus"
    assert swedish[0]["title"] == "Nordiskt ungdomsutbyte i Århus"


def test_another_method_is_a_json_405_that_names_the_allowed_ones(client):
    response = client.post("/api/v1/events")
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_the_openapi_document_is_served_and_describes_every_api_rule(client, app):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == document()
    assert served.get_json()["openapi"].startswith("3.1")
    rules = {
        re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", r.rule)
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/")
    }
    assert rules == set(document()["paths"])
