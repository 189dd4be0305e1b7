"""The grants' words in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.grants.models import APPLICATION, FINAL_REPORT, INTERIM_REPORT, PAYMENT

KIND_LABELS = {
    APPLICATION: _l("Application"),
    INTERIM_REPORT: _l("Interim report"),
    FINAL_REPORT: _l("Final report"),
    PAYMENT: _l("Payment"),
}

# An obligation as a calendar event's title: "<what> due: <grant>".
DUE_TITLES = {
    APPLICATION: _l("Application due: %(title)s"),
    INTERIM_REPORT: _l("Interim report due: %(title)s"),
    FINAL_REPORT: _l("Final report due: %(title)s"),
    PAYMENT: _l("Payment due: %(title)s"),
}
