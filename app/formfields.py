"""Form fields shared by every area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField as _WTFormsDateField
from wtforms.validators import StopValidation

from app.domain import DomainError

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


def show_error(form: object, error: DomainError) -> None:
    """Show a refused change beside the field it concerns, or above the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None and field.name != "csrf_token":
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
