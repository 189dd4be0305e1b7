"""Form fields shared by every area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField as _WTFormsDateField
from wtforms.validators import StopValidation

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


class DateField(_WTFormsDateField):
    """A date that date arithmetic can work with: years 1900 to 2200, else a field error."""

    def pre_validate(self, form: object) -> None:
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            raise StopValidation(
                _l(
                    "Give a year between %(first)s and %(last)s.",
                    first=EARLIEST_YEAR,
                    last=LATEST_YEAR,
                )
            )
