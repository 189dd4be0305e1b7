"""The reminders' words in the page's language: why one was missed, what a status means."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import mail
from app.reminders import sweep
from app.reminders.services import ERROR

MAIL_STATUS_LABELS = {
    mail.QUEUED: _l("Queued"),
    mail.SENDING: _l("Being sent"),
    mail.SENT: _l("Delivered"),
    mail.FAILED: _l("Failed"),
}

LOG_FILTER_LABELS = {
    "": _l("All"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "queued": _l("Queued"),
    "missed": _l("Missed"),
}


def reason_text(reason: str) -> str:
    """Return a stored reason (e.g. "superseded:14d") as a sentence in the page's language."""
    kind, _sep, detail = (reason or "").partition(":")
    if kind == sweep.PASSED:
        return _("The event had already passed.")
    if kind == sweep.SUPERSEDED:
        return _("A later reminder (%(offset)s) was due at the same time.", offset=detail)
    if kind == sweep.BAD_ADDRESS:
        return _("The address cannot be used: %(detail)s", detail=detail)
    if kind == ERROR:
        return _("The mail could not be made: %(detail)s", detail=detail)
    return reason or ""
