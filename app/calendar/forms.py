"""Forms of the calendar workspace."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.formfields import Form


class TokenForm(Form):
    label = StringField(
        _l("Who or what is it for?"),
        validators=[DataRequired(_l("Say who or what the feed is for.")), Length(max=120)],
        description=_l("For example: Mayor's office, or the international coordinator."),
    )


class RevokeForm(Form):
    """A button that only carries the CSRF token."""
