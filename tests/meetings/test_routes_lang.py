from app.demo import seed
from app.extensions import db


def test_meeting_links_keep_the_chosen_language(client):
    seed("goteborg")
    db.session.commit()
    for page in ("/?lang=en", "/meetings/?lang=en"):
        html = client.get(page).get_data(as_text=True)
        assert "/meetings/s1?lang=en#o" in html
        assert "/meetings/m1?lang=en" in html
