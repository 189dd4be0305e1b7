import pytest

from tests.meetings.factories import make_nordic_partners


@pytest.fixture
def nordic(app):
    return make_nordic_partners()
