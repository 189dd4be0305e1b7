from app.extensions import db
from tests.conftest import seed_demo


def test_meeting_links_keep_the_chosen_language(client):
    seed_demo("goteborg")
    db.session.commit()
    for page in ("/?lang=en", "/meetings/?lang=en"):
        html = client.get(page).get_data(as_text=True)
        assert "/meetings/s1?lang=en#o" in html
        assert "/meetings/m1?lang=en" in html
