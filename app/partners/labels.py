"""Words shown for partner kinds, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.partners.models import (
    ASSOCIATED_TOWN,
    HOME,
    LINK_MEMBER_OF,
    LINK_TWIN_TOWN,
    NETWORK,
    PARTNER_CITY,
    TWIN_TOWN,
)

KIND_LABELS = {
    HOME: _l("Home municipality"),
    PARTNER_CITY: _l("Partner city"),
    TWIN_TOWN: _l("Twin town"),
    ASSOCIATED_TOWN: _l("Twin town of a twin town"),
    NETWORK: _l("Network"),
}

KIND_PLURALS = {
    PARTNER_CITY: _l("Partner cities"),
    TWIN_TOWN: _l("Twin towns"),
    ASSOCIATED_TOWN: _l("Twin towns of our twin towns"),
    NETWORK: _l("Networks"),
}

LINK_LABELS = {
    LINK_TWIN_TOWN: _l("Twin town of"),
    LINK_MEMBER_OF: _l("Member of"),
}
