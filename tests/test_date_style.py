"""One date style per language on every page a reader sees: Babel's long dates.

Machines still get ISO dates (datetime attributes, feeds, CSV, the API); the text of a
page never shows "2027-03-05", "5 March 2027" beside "March 5, 2027", or "Mar 5".
"""

import re

import pytest
import sqlalchemy as sa

from app.agreements.models import Agreement
from app.exchanges.models import Exchange
from app.extensions import db
from app.grants.models import Grant
from app.meetings.models import Meeting, MeetingSeries
from app.partners.models import Partner
from tests.conftest import seed_demo

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WRONG = {
    "en": [
        re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO
        re.compile(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}"),  # the British order
        re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b"),  # short
    ],
    "sv": [
        re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
        re.compile(r"\b\d{1,2} (jan|feb|mars|apr|jun|jul|aug|sep|okt|nov|dec)\. "),
    ],
}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def first_id(model, *where):
    return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id))


@pytest.fixture
def pages(app):
    seed_demo("goteborg")
    db.session.commit()
    shanghai = db.session.scalar(sa.select(Partner).where(Partner.slug == "shanghai"))
    agreement = db.session.scalar(
        sa.select(Agreement.id)
        .where(Agreement.partner_id == shanghai.id)
        .order_by(Agreement.starts_on.desc())
    )
    exchange, meeting = first_id(Exchange), first_id(Meeting)
    return [
        "/",
        "/partners/shanghai",
        "/meetings/",
        f"/meetings/{db.session.get(Meeting, meeting).public_id}",
        "/exchanges/",
        f"/exchanges/{exchange}",
        "/admin/",
        "/admin/agreements/",
        f"/admin/agreements/{agreement}",
        f"/admin/agreements/{agreement}/renew",
        "/admin/agreements/timeline",
        "/admin/grants/",
        f"/admin/grants/{first_id(Grant)}",
        f"/admin/partners/{shanghai.id}",
        "/admin/meetings/",
        f"/admin/meetings/meeting/{meeting}",
        f"/admin/meetings/series/{first_id(MeetingSeries)}",
        "/admin/exchanges/",
        f"/admin/exchanges/{exchange}",
    ]


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_every_page_writes_dates_in_its_languages_one_style(logged_in, pages, lang):
    found = {}
    for path in pages:
        response = logged_in.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        wrong = [m.group(0) for pattern in WRONG[lang] for m in pattern.finditer(text)]
        if wrong:
            found[path] = wrong
    assert found == {}
