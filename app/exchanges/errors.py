"""The one error of the exchanges area, and what it says in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from app.domain import DomainError
from app.exchanges.display import local_moment
from app.partners.services import home_timezone


class ExchangeError(DomainError):
    """A sign-up or change that the rules refuse; `code` picks the sentence shown.

    `str(error)` is the code (for logs and tests); `message` is the sentence, translated
    into the language in force when it is read, so a school's link page can show it in
    the school's language.
    """

    def __init__(self, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code, field)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        text = _MESSAGES.get(self.code)
        return text(self.params) if text else _("The request could not be carried out.")


def _when(moment: datetime) -> str:
    return local_moment(moment, home_timezone())


_MESSAGES: dict[str, Callable[[dict], str]] = {
    # What a school reads when its sign-up, change or link is refused.
    "not_found": lambda p: _("This exchange is not open for sign-up."),
    "cancelled": lambda p: _("This exchange has been cancelled; sign-up is not possible."),
    "closed": lambda p: _("Sign-up for this exchange is closed."),
    "not_yet": lambda p: _(
        "Sign-up has not opened yet. It opens on %(when)s.", when=_when(p["opens"])
    ),
    "window_closed": lambda p: _("Sign-up closed on %(when)s.", when=_when(p["closed"])),
    "over": lambda p: _("This exchange is over; sign-up is not possible."),
    "signed_up_again": lambda p: _(
        "Your school has signed up for this exchange again since then; use the link of that sign-up."
    ),
    "school_name": lambda p: _("Enter the name of the school."),
    "contact_email": lambda p: _("Enter an e-mail address such as name@school.example.org."),
    "pupils_range": lambda p: _(
        "Enter a number of pupils from %(min)s to %(max)s.", min=1, max=p["max"]
    ),
    "teachers_range": lambda p: _(
        "Enter a number of teachers from %(min)s to %(max)s.", min=1, max=p["max"]
    ),
    "more_than_places": lambda p: ngettext(
        "This exchange has %(num)d place in all; a larger group cannot take part.",
        "This exchange has %(num)d places in all; a larger group cannot take part.",
        p["places"],
    ),
    "over_cap": lambda p: ngettext(
        "A school may send at most %(num)d pupil to this exchange.",
        "A school may send at most %(num)d pupils to this exchange.",
        p["cap"],
    ),
    "no_room": lambda p: ngettext(
        "Only %(num)d more place is free, so the group cannot grow that much. Your group keeps its places as before.",
        "Only %(num)d more places are free, so the group cannot grow that much. Your group keeps its places as before.",
        p["left"],
    ),
    "not_active": lambda p: _("This sign-up can no longer be changed."),
    "no_offer": lambda p: _("There is no offer of places to accept."),
    "offer_lapsed": lambda p: _(
        "The offer has lapsed: the deadline to accept it has passed and the places went to the next group."
    ),
    "not_expired": lambda p: _("The group is already on the list."),
    "bad_link": lambda p: _(
        "This link is not valid. Check that you copied the whole address from the mail."
    ),
    "link_revoked": lambda p: _("This link no longer works because the sign-up was cancelled."),
    "link_expired": lambda p: _("This link has expired: the exchange is over."),
    # What a coordinator reads when a change to an exchange or a group is refused.
    "dates": lambda p: _("The last day cannot be before the first day."),
    "window": lambda p: _("Sign-up must close after it opens."),
    "range": lambda p: _("The upper limit cannot be below the lower."),
    "status": lambda p: _("Choose a status from the list."),
    "direction": lambda p: _("Choose a direction from the list."),
    "places_below_held": lambda p: ngettext(
        "%(num)d pupil already holds a place; move or cancel groups before lowering the places below that.",
        "%(num)d pupils already hold places; move or cancel groups before lowering the places below that.",
        p["held"],
    ),
    "group_not_active": lambda p: _("This group is cancelled or has left the list."),
    "group_no_room": lambda p: ngettext(
        "The group does not fit: only %(num)d place is free.",
        "The group does not fit: only %(num)d places are free.",
        p["left"],
    ),
    "same_exchange": lambda p: _("Choose another exchange to move the group to."),
    "target_not_open": lambda p: _("Groups can only be moved to an open or closed exchange."),
    "already_there": lambda p: _("The school already has a sign-up for that exchange."),
}
