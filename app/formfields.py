"""What every form shares: cleaned text, ASCII whole numbers, sane dates, domain errors.

Every form derives from `Form`. Its fields are bound so that
- single-line text loses control, format (zero-width, bidi override) and other invisible
  characters, and runs of white space become one space; multi-line text keeps its line
  breaks; passwords are left exactly as typed;
- integer fields take only ASCII digits ("٣" and "５" are not numbers here, though
  Python's int() would take them), and say so in the page's language.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField as _WTFormsDateField
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation

from app.domain import DomainError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_ASCII_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def _visible(text: str, keep: str = "") -> str:
    return "".join(
        c if c in keep or unicodedata.category(c) not in _INVISIBLE else " " for c in text
    )


def clean_line(value: object) -> object:
    """Return one line of text without invisible characters, its white space folded."""
    if not isinstance(value, str):
        return value
    return " ".join(_visible(unicodedata.normalize("NFC", value)).split())


def clean_text(value: object) -> object:
    """Return multi-line text without invisible characters; line breaks stay."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(_visible(line, keep="\t").split()) for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


class AsciiIntegerField(IntegerField):
    """An integer in ASCII digits; anything else is a field error in the page's language."""

    max_digits = 100  # longer is no number anyone means (and int() would work hard on it)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        raw = valuelist[0].strip()
        if raw == "":
            self.data = None
            return
        if len(raw) > self.max_digits or not _ASCII_WHOLE_NUMBER.fullmatch(raw):
            self.data = None
            raise ValueError(_l("Enter a whole number, such as 4."))
        self.data = int(raw)


class WholeNumberField(AsciiIntegerField):
    """A count people type (pupils, places): at most twelve digits."""

    max_digits = 12


class Form(FlaskForm):
    """The base of every form: text cleaned, numbers in ASCII digits."""

    class Meta:
        def bind_field(self, form: object, unbound_field: UnboundField, options: dict):
            cls = unbound_field.field_class
            if issubclass(cls, IntegerField) and not issubclass(cls, AsciiIntegerField):
                unbound_field = UnboundField(
                    AsciiIntegerField,
                    *unbound_field.args,
                    name=unbound_field.name,
                    **unbound_field.kwargs,
                )
            elif issubclass(cls, StringField) and not issubclass(cls, PasswordField):
                clean = clean_text if issubclass(cls, TextAreaField) else clean_line
                given = options.get("filters", unbound_field.kwargs.get("filters", ()))
                options = {**options, "filters": (clean, *given)}
            return unbound_field.bind(form=form, **options)


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
    # A plain str, so that templates escape it: a lazy message marks itself safe HTML
    # (Flask-Babel's LazyString has __html__), and messages quote what the user typed.
    message = str(error.message)
    if field is not None and field.name != "csrf_token":
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
