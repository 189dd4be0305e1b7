import flask_babel
import pytest

from tests.meetings.factories import make_nordic_partners


@pytest.fixture(autouse=True)
def _language_per_request(request):
    """Choose the language afresh on each request.

    The `app` fixture keeps one app context open for the whole test, and the test client's
    requests share it, so Flask-Babel would keep the first request's language for all.
    """
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")

    @app.before_request
    def _forget_language() -> None:
        flask_babel.refresh()


@pytest.fixture
def nordic(app):
    return make_nordic_partners()
