"""Fixtures of the API tests."""

import pytest

from app.demo import seed
from app.extensions import db


@pytest.fixture
def demo(app):
    """The app over Göteborg's demo data (committed)."""
    seed("goteborg")
    db.session.commit()
    return app
