from app.feeds.uids import calendar_uid


def test_uids_use_the_public_host_for_every_kind_of_event(app):
    app.config["PUBLIC_BASE_URL"] = "https://planner.goteborg.example.org/"
    assert calendar_uid("meeting", 12) == "meeting-12@planner.goteborg.example.org"
    assert calendar_uid("exchange", 3) == "exchange-3@planner.goteborg.example.org"
    assert calendar_uid("meeting-series", 1, "20280610T080000Z") == (
        "meeting-series-1-20280610T080000Z@planner.goteborg.example.org"
    )
