"""Fixtures of the API tests."""

import pytest

from app.extensions import db
from tests.conftest import seed_demo


@pytest.fixture
def demo(app):
    """The app over Göteborg's demo data (committed)."""
    seed_demo("goteborg")
    db.session.commit()
    return app
