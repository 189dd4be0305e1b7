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
