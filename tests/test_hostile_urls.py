"""Addresses no page has: ids beyond the database's range, other scripts' digits, NULs."""

import re

import pytest

from app.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from app.extensions import db
from tests.conftest import seed_demo

BAD_IDS = ["2147483648", "99999999999999999999", "%D9%A3"]  # the last is Arabic-Indic 3


@pytest.fixture
def coordinator_client(app, client):
    seed_demo("goteborg")
    db.session.commit()
    client.post(
        "/login", data={"email": DEMO_COORDINATOR_EMAIL, "password": DEMO_COORDINATOR_PASSWORD}
    )
    return client


def _paths(app, fill_int: str, fill_other: str) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            converter = type(rule._converters[argument]).__name__
            value = fill_int if "Integer" in converter or "Id" in converter else fill_other
            path = re.sub(rf"<(?:[a-z]+:)?{argument}>", value, path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_id_outside_the_database_range_is_404_on_every_route(app, coordinator_client, bad):
    paths = [(m, p) for m, p in _paths(app, bad, "1") if bad in p]
    assert paths, "no route with an id"
    answers = {(m, p): coordinator_client.open(p, method=m).status_code for m, p in paths}
    assert {k: v for k, v in answers.items() if v != 404} == {}


def test_a_nul_in_any_path_segment_is_404(app, coordinator_client):
    paths = [(m, p) for m, p in _paths(app, "1", "%00") if "%00" in p]
    assert paths
    answers = {(m, p): coordinator_client.open(p, method=m).status_code for m, p in paths}
    assert {k: v for k, v in answers.items() if v != 404} == {}
    assert coordinator_client.get("/partners/%00").status_code == 404
