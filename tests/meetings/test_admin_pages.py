"""The workspace's meeting pages: the whole meeting at a glance, tables styled as elsewhere."""

import re
from datetime import date, time

from tests.meetings.factories import make_meeting, make_nordic_partners, make_series


def test_the_meeting_page_shows_its_end_time_and_agenda(logged_in):
    partners = make_nordic_partners()
    meeting = make_meeting(
        partners["bergen"],
        start_date=date(2040, 3, 12),
        start_time=time(9, 30),
        end_time=time(16, 45),
        agenda="1. Welcome\n2. Youth exchange 2041",
    )
    page = logged_in.get(f"/admin/meetings/meeting/{meeting.id}?lang=en").get_data(as_text=True)
    when = page.split("data-when>")[1].split("</dd>")[0]
    assert "09:30" in when and "16:45" in when
    assert f'datetime="{meeting.ends_at.isoformat()}"' in when
    assert "Agenda</h2>" in page and "2. Youth exchange 2041" in page


def test_the_meeting_and_series_tables_are_styled_like_the_other_workspace_tables(logged_in):
    partners = make_nordic_partners()
    series = make_series([partners["goteborg"], partners["aarhus"]])
    meeting = make_meeting(partners["bergen"])
    logged_in.post(
        f"/admin/meetings/meeting/{meeting.id}/delegates",
        data={"name": "Kari", "email": "kari@example.org", "language": "en"},
    )
    for path in (
        "/admin/meetings/",
        f"/admin/meetings/series/{series.id}",
        f"/admin/meetings/meeting/{meeting.id}",
    ):
        page = logged_in.get(path).get_data(as_text=True)
        tables = re.findall(r"<table[^>]*>", page)
        assert tables, path
        assert all('class="table"' in t for t in tables), (path, tables)
        assert "css/admin.css" in page, path
