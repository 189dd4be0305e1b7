"""With the demo data: renewing Shanghai from the workspace, the timeline, the public chain."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.agreements.models import MEMORANDUM, Agreement
from app.extensions import db
from app.partners.models import Partner
from tests.conftest import seed_demo


@pytest.fixture
def demo(app):
    seed_demo("goteborg")
    db.session.commit()


def current_shanghai_term():
    return db.session.scalar(
        sa.select(Agreement)
        .join(Agreement.partner)
        .where(Partner.slug == "shanghai", Agreement.kind == MEMORANDUM)
        .order_by(Agreement.starts_on.desc())
        .limit(1)
    )


def test_renewing_shanghai_from_the_workspace(demo, logged_in):
    old = current_shanghai_term()
    old_id, old_end = old.id, old.ends_on
    response = logged_in.post(
        f"/admin/agreements/{old_id}/renew?lang=en", data={"signed_on": ""}, follow_redirects=True
    )
    assert response.status_code == 200
    new = current_shanghai_term()
    assert new.renews_id == old_id
    assert new.starts_on == old_end + timedelta(days=1)
    assert new.ends_on == new.starts_on + relativedelta(years=3) - timedelta(days=1)
    old_page = logged_in.get(f"/admin/agreements/{old_id}?lang=en").get_data(as_text=True)
    # The running term stays in force until its last day; the new one waits, unsigned.
    assert 'data-status="active"' in old_page.split("<h2")[0]
    new_page = logged_in.get(f"/admin/agreements/{new.id}?lang=en").get_data(as_text=True)
    assert 'data-status="draft"' in new_page.split("<h2")[0]
    audit = logged_in.get("/admin/audit/?object_type=Agreement&lang=en").get_data(as_text=True)
    assert f'data-audit="Agreement-{new.id}" data-action="create"' in audit
    assert f'data-audit="Agreement-{old_id}" data-action="update"' in audit


def test_the_timeline_renders_for_the_demo_data(demo, logged_in):
    response = logged_in.get("/admin/agreements/timeline?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" in page and "Shanghai" in page and "Nelson Mandela Bay" in page
    assert page.count('data-status="renewed"') >= 12  # Shanghai's renewed terms since 1986
    assert "1986" in page or "1985" in page
    assert "tl-today" in page


def test_the_public_page_shows_the_chain_back_to_1986(demo, client):
    page = client.get("/partners/shanghai?lang=en").get_data(as_text=True)
    assert "January 1, 1986 – December 31, 1988" in page
    assert "Agreements since 1986" in page
    assert page.count('data-status="renewed"') >= 12


def test_the_public_page_leaves_out_drafts(demo, client):
    page = client.get("/partners/turku?lang=en").get_data(as_text=True)
    assert "(draft)" not in page
