"""Words shown for agreement kinds and statuses, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.agreements.models import (
    ACTIVE,
    DECISION_DUE,
    DRAFT,
    ENDED,
    EXPIRED,
    MEMORANDUM,
    OTHER,
    PARTNER_CITY_AGREEMENT,
    RENEWED,
    UPCOMING,
)

KIND_LABELS = {
    PARTNER_CITY_AGREEMENT: _l("Partner-city agreement"),
    MEMORANDUM: _l("Memorandum of understanding"),
    OTHER: _l("Other agreement"),
}

STATUS_LABELS = {
    DRAFT: _l("Draft"),
    UPCOMING: _l("Coming"),
    ACTIVE: _l("Active"),
    DECISION_DUE: _l("Decision due"),
    EXPIRED: _l("Expired"),
    RENEWED: _l("Renewed"),
    ENDED: _l("Ended"),
}

# A text symbol beside each status, so the status never rests on colour alone.
STATUS_SYMBOLS = {
    DRAFT: "○",
    UPCOMING: "◔",
    ACTIVE: "●",
    DECISION_DUE: "!",
    EXPIRED: "✕",
    RENEWED: "↻",
    ENDED: "■",
}
