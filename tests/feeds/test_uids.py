import sqlalchemy as sa

from app.extensions import db
from app.installation import Installation, calendar_uid


def test_uids_name_the_installation_not_the_public_address(app):
    app.extensions.pop("vanort.uid_domain", None)  # as on a new installation
    with app.test_request_context():
        app.config["PUBLIC_BASE_URL"] = "https://planner.goteborg.example.org/"
        first = [calendar_uid("meeting", 12), calendar_uid("exchange", 3)]
        app.config["PUBLIC_BASE_URL"] = "https://vanort.molndal.example.org/"
        assert [calendar_uid("meeting", 12), calendar_uid("exchange", 3)] == first
        domain = db.session.scalar(sa.select(Installation.uid_domain))
        assert first == [f"meeting-12@{domain}", f"exchange-3@{domain}"]
        assert "example.org" not in domain
        assert calendar_uid("meeting-series", 1, "20280610T080000Z") == (
            f"meeting-series-1-20280610T080000Z@{domain}"
        )
