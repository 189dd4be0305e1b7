from tests.exchanges.factories import make_exchange, signup_form


def test_smoke(client, app):
    e = make_exchange()
    r = client.get(f"/exchanges/{e.id}")
    assert r.status_code == 200, r.text
    r = client.post(f"/exchanges/{e.id}/signup", data=signup_form())
    assert r.status_code == 200, r.text
    assert 'data-signup-status="confirmed"' in r.text
    import re

    link = re.search(r'href="(/signups/[^"]+)"', r.text).group(1)
    r = client.get(link)
    assert r.status_code == 200, r.text
    r = client.get("/exchanges/")
    assert r.status_code == 200, r.text
    r = client.get("/api/v1/exchanges")
    print(r.json)
