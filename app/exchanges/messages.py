"""What a refused sign-up or change says, in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _

from app.exchanges.display import local_moment
from app.exchanges.services import ExchangeError, SignupError
from app.partners.services import home_timezone


def signup_error(err: SignupError) -> str:
    """Return the sentence telling a school why its request was refused."""
    p = err.params
    zone = home_timezone()
    texts = {
        "not_found": lambda: _("This exchange is not open for sign-up."),
        "cancelled": lambda: _("This exchange has been cancelled; sign-up is not possible."),
        "closed": lambda: _("Sign-up for this exchange is closed."),
        "not_yet": lambda: _(
            "Sign-up has not opened yet. It opens on %(when)s.",
            when=local_moment(p["opens"], zone),
        ),
        "window_closed": lambda: _(
            "Sign-up closed on %(when)s.", when=local_moment(p["closed"], zone)
        ),
        "school_name": lambda: _("Enter the name of the school."),
        "students_range": lambda: _(
            "Enter a number of pupils from %(min)s to %(max)s.", min=1, max=p["max"]
        ),
        "teachers_range": lambda: _(
            "Enter a number of teachers from %(min)s to %(max)s.", min=1, max=p["max"]
        ),
        "more_than_places": lambda: _(
            "This exchange has %(places)s places in all; a larger group cannot take part.",
            places=p["places"],
        ),
        "over_cap": lambda: _(
            "A school may send at most %(cap)s pupils to this exchange.", cap=p["cap"]
        ),
        "no_room": lambda: _(
            "Only %(left)s more places are free, so the group cannot grow that much. Your group keeps its places as before.",
            left=p["left"],
        ),
        "not_active": lambda: _("This sign-up can no longer be changed."),
        "no_offer": lambda: _("There is no offer of places to accept."),
        "offer_lapsed": lambda: _(
            "The offer has lapsed: the deadline to accept it has passed and the places went to the next group."
        ),
        "not_expired": lambda: _("The group is already on the list."),
        "bad_link": lambda: _(
            "This link is not valid. Check that you copied the whole address from the mail."
        ),
        "link_revoked": lambda: _("This link no longer works because the sign-up was cancelled."),
        "link_expired": lambda: _("This link has expired: the exchange is over."),
    }
    return texts.get(err.code, lambda: _("The request could not be carried out."))()


def exchange_error(err: ExchangeError) -> str:
    """Return the sentence telling a coordinator why a change was refused."""
    p = err.params
    texts = {
        "dates": lambda: _("The last day cannot be before the first day."),
        "window": lambda: _("Sign-up must close after it opens."),
        "range": lambda: _("The upper limit cannot be below the lower."),
        "status": lambda: _("Choose a status from the list."),
        "direction": lambda: _("Choose a direction from the list."),
        "places_below_held": lambda: _(
            "%(held)s pupils already hold places; move or cancel groups before lowering the places below that.",
            held=p["held"],
        ),
        "not_active": lambda: _("This group is cancelled or has left the list."),
        "no_room": lambda: _(
            "The group does not fit: only %(left)s places are free.", left=p["left"]
        ),
        "same_exchange": lambda: _("Choose another exchange to move the group to."),
        "target_not_open": lambda: _("Groups can only be moved to an open or closed exchange."),
        "already_there": lambda: _("The school already has a sign-up for that exchange."),
    }
    return texts.get(err.code, lambda: _("The request could not be carried out."))()
