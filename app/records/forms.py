"""Workspace forms of the privacy page: whose data to look up, and the erasure's confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.formfields import Form


def _address_field(label) -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message=_l("Enter an e-mail address.")),
            Length(max=254, message=_l("The address may be at most %(max)s characters long.")),
            Email(
                message=_l("Enter an e-mail address such as name@example.org."),
                check_deliverability=False,
            ),
        ],
    )


class LookupForm(Form):
    """The address whose data to show, export or erase."""

    email = _address_field(_l("E-mail address"))


class ButtonForm(Form):
    """Only the CSRF token: the export button."""


class EraseForm(Form):
    """The erasure, confirmed by typing the address again."""

    confirm_email = _address_field(_l("Type the address again to confirm"))


class RetentionForm(Form):
    """One kind's period (shown once per kind, prefixed by its key); empty: the configuration's."""

    months = IntegerField(
        _l("Months after the end (0: keep)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=1200, message=_l("Give a number of months from 0 to %(max)s.")),
        ],
    )
