"""Browser tests run against SQLite: the database half is covered by the other tests."""

import pytest

from app.demo import seed
from app.extensions import db


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def demo_site(app, live_server):
    """The live server with the Göteborg demo data."""
    seed("goteborg")
    db.session.commit()
    return live_server
