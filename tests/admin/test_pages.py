"""Every workspace page opens for a coordinator, in both languages."""

import pytest

from tests.agreements.factories import make_agreement
from tests.factories import make_partner


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_workspace_page_opens_for_a_coordinator(logged_in, lang):
    partner = make_partner("Shanghai")
    agreement = make_agreement(partner)
    pid, aid = partner.id, agreement.id
    urls = [
        "/admin/",
        "/admin/partners/",
        "/admin/partners/?sort=name&dir=desc",
        "/admin/networks/",
        f"/admin/partners/{pid}",
        "/admin/partners/new",
        f"/admin/partners/{pid}/edit",
        f"/admin/partners/{pid}/delete",
        "/admin/projects/",
        "/admin/contacts/",
        f"/admin/partners/{pid}/projects/new",
        f"/admin/partners/{pid}/contacts/new",
        "/admin/audit/",
        "/admin/partners.csv",
        "/admin/agreements/",
        f"/admin/agreements/{aid}",
        f"/admin/agreements/{aid}/edit",
        f"/admin/agreements/{aid}/renew",
        f"/admin/agreements/{aid}/end",
        f"/admin/agreements/{aid}/delete",
        "/admin/agreements/timeline",
        "/admin/agreements/new",
        f"/partners/{partner.slug}",
    ]
    for url in urls:
        response = logged_in.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert response.status_code == 200, url
