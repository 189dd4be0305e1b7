"""Forms: a school's sign-up and changes, a coordinator's exchange."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.exchanges import models as m
from app.exchanges.display import (
    DIRECTION_LABELS,
    SCHOOL_KIND_LABELS,
    STATUS_LABELS,
    long_date,
)
from app.exchanges.services import MAX_PUPILS, MAX_TEACHERS
from app.formfields import DateField, Form, WholeNumberField


def _pupils_field() -> WholeNumberField:
    return WholeNumberField(
        _l("Pupils travelling"),
        validators=[
            InputRequired(message=_l("Enter the number of pupils.")),
            NumberRange(
                min=1,
                max=MAX_PUPILS,
                message=_l("Enter a number of pupils from %(min)s to %(max)s."),
            ),
        ],
    )


def _teachers_field() -> WholeNumberField:
    return WholeNumberField(
        _l("Accompanying teachers"),
        validators=[
            InputRequired(message=_l("Enter the number of accompanying teachers.")),
            NumberRange(
                min=1,
                max=MAX_TEACHERS,
                message=_l("Enter a number of teachers from %(min)s to %(max)s."),
            ),
        ],
    )


class SignupForm(Form):
    school_name = StringField(
        _l("School"),
        validators=[
            DataRequired(message=_l("Enter the name of the school.")),
            Length(max=200, message=_l("The name may be at most %(max)s characters long.")),
        ],
    )
    school_kind = SelectField(
        _l("Kind of school"),
        choices=[SelectChoice(k, SCHOOL_KIND_LABELS[k]) for k in m.SCHOOL_KINDS],
        default=m.COMPULSORY,
        validators=[Optional()],
    )
    contact_name = StringField(
        _l("Contact person"),
        validators=[
            DataRequired(message=_l("Enter the name of the contact person.")),
            Length(max=120, message=_l("The name may be at most %(max)s characters long.")),
        ],
    )
    contact_email = EmailField(
        _l("Contact e-mail"),
        validators=[
            DataRequired(message=_l("Enter an e-mail address.")),
            Length(max=254, message=_l("The address may be at most %(max)s characters long.")),
            Email(
                message=_l("Enter an e-mail address such as name@school.example.org."),
                check_deliverability=False,
            ),
        ],
    )
    students = _pupils_field()
    teachers = _teachers_field()

    def validate_school_kind(self, field: SelectField) -> None:
        if field.data in (None, "", "None"):
            field.data = m.COMPULSORY


class ChangeForm(Form):
    students = _pupils_field()
    teachers = _teachers_field()


class ConfirmForm(Form):
    """A button that only carries the CSRF token (cancel, accept, rejoin)."""


class CancelGroupForm(Form):
    """A coordinator cancels a school's sign-up; the reason goes to the school."""

    reason = TextAreaField(
        _l("Reason (sent to the school)"),
        validators=[
            DataRequired(message=_l("Give the reason: the school reads it in its mail.")),
            Length(max=2000, message=_l("The reason may be at most %(max)s characters long.")),
        ],
    )
    reason_en = TextAreaField(
        _l("The reason in English (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("The reason may be at most %(max)s characters long.")),
        ],
    )


class MoveForm(Form):
    target = SelectField(_l("Move to exchange"), coerce=int, validators=[InputRequired()])


class MessageForm(Form):
    subject = StringField(
        _l("Subject"),
        validators=[DataRequired(message=_l("Enter a subject.")), Length(max=200)],
    )
    message = TextAreaField(
        _l("Message"),
        validators=[DataRequired(message=_l("Enter a message.")), Length(max=10000)],
    )


def _optional_number(label: object, low: int, high: int) -> WholeNumberField:
    return WholeNumberField(
        label,
        validators=[
            Optional(),
            NumberRange(min=low, max=high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class ExchangeForm(Form):
    partner_id = SelectField(_l("Partner"), coerce=int, validators=[InputRequired()])
    title_sv = StringField(
        _l("Title in Swedish"),
        validators=[DataRequired(message=_l("Enter a title.")), Length(max=200)],
    )
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    description_sv = TextAreaField(_l("Description in Swedish"), validators=[Length(max=20000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Length(max=20000)])
    programme_sv = TextAreaField(_l("Programme in Swedish"), validators=[Length(max=20000)])
    programme_en = TextAreaField(_l("Programme in English"), validators=[Length(max=20000)])
    practical_sv = TextAreaField(
        _l("Practical information in Swedish"), validators=[Length(max=20000)]
    )
    practical_en = TextAreaField(
        _l("Practical information in English"), validators=[Length(max=20000)]
    )
    direction = SelectField(
        _l("Direction"), choices=[SelectChoice(k, DIRECTION_LABELS[k]) for k in m.DIRECTIONS]
    )
    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, STATUS_LABELS[k]) for k in m.EXCHANGE_STATUSES]
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(message=_l("Enter a date."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(message=_l("Enter a date."))])
    age_min = _optional_number(_l("Youngest age"), 5, 30)
    age_max = _optional_number(_l("Oldest age"), 5, 30)
    school_year_min = _optional_number(_l("Lowest school year"), 1, 13)
    school_year_max = _optional_number(_l("Highest school year"), 1, 13)
    places = WholeNumberField(
        _l("Places (pupils)"),
        validators=[
            InputRequired(message=_l("Enter the number of places.")),
            NumberRange(min=1, max=10000, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    cap_per_school = _optional_number(_l("Most pupils per school"), 1, 10000)
    incoming_pupils = _optional_number(_l("Pupils visiting from the partner"), 0, 10000)
    offer_hours = WholeNumberField(
        _l("Hours a waiting group has to accept offered places"),
        default=m.DEFAULT_OFFER_HOURS,
        validators=[
            InputRequired(message=_l("Enter a number of hours.")),
            NumberRange(min=1, max=720, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    signup_opens_at = DateTimeLocalField(
        _l("Sign-up opens"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Enter a date and time."))],
    )
    signup_closes_at = DateTimeLocalField(
        _l("Sign-up closes"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Enter a date and time."))],
    )

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate_signup_closes_at(self, field: DateTimeLocalField) -> None:
        opens = self.signup_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Sign-up must close after it opens."))
        # Both are wall-clock times in the home zone: the first day begins at midnight.
        starts = self.starts_on.data
        if starts and field.data and field.data > datetime.combine(starts, time.min):
            raise ValidationError(
                _(
                    "Sign-up must close before the exchange starts: at the latest at 00:00 on %(day)s.",
                    day=long_date(starts),
                )
            )

    def validate_age_max(self, field: WholeNumberField) -> None:
        if (
            self.age_min.data is not None
            and field.data is not None
            and field.data < self.age_min.data
        ):
            raise ValidationError(_l("The oldest age cannot be below the youngest."))

    def validate_school_year_max(self, field: WholeNumberField) -> None:
        low = self.school_year_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The highest school year cannot be below the lowest."))
