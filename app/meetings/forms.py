"""Forms of the coordinators' meeting pages."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.formfields import DateField, Form
from app.i18n import current_language

MAX_HOSTS = 8

# WTForms' own messages for input it cannot parse, translated in this area's catalogue.
PARSE_MESSAGES = (
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
)


def choices(pairs: list[tuple[str, object]]) -> list[SelectChoice]:
    """Return select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class FromTheList:
    """Refuse a value that is not one of the select's choices (an empty one is left to
    `Optional`/the service), with a message the reader understands."""

    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form: Form, field: SelectField) -> None:
        if field.data in (None, ""):
            return
        if str(field.data) not in {str(choice[0]) for choice in field.iter_choices()}:
            raise ValidationError(str(self.message))


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def _required(message: object) -> InputRequired:
    return InputRequired(message=message)


def _gap_confirmation() -> BooleanField:
    """The checkbox shown when a time falls in the spring-forward gap."""
    return BooleanField(_l("Yes, the meeting starts at the later time the clocks give"))


class SeriesForm(Form):
    title_sv = StringField(_l("Title in Swedish"), validators=[_max(200)])
    title_en = StringField(_l("Title in English"), validators=[_max(200)])
    description_sv = TextAreaField(_l("Description in Swedish"), validators=[Optional()])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional()])
    freq = SelectField(
        _l("Repeats every"),
        choices=choices([("years", _l("N years")), ("months", _l("N months"))]),
        validate_choice=False,
    )
    interval = IntegerField(
        _l("Interval (N)"), validators=[_required(_l("Give the interval as a whole number."))]
    )
    first_date = DateField(
        _l("First date"), validators=[_required(_l("Give the date of the first meeting."))]
    )
    by_setpos = SelectField(
        _l("On a weekday of the month"),
        choices=choices(
            [
                ("", _l("No: on the first date's day of the month")),
                ("1", _l("the first")),
                ("2", _l("the second")),
                ("3", _l("the third")),
                ("4", _l("the fourth")),
                ("-1", _l("the last")),
            ]
        ),
        validate_choice=False,
        default="",
    )
    by_weekday = SelectField(_l("Weekday"), validate_choice=False, default="")
    until_date = DateField(_l("Last possible date"), validators=[Optional()])
    count = IntegerField(_l("Number of meetings"), validators=[Optional()])
    start_time = TimeField(
        _l("Local start time"), validators=[_required(_l("Give the time the meeting starts."))]
    )
    days = IntegerField(_l("Number of days"), validators=[Optional()], default=1)
    end_time = TimeField(_l("Local end time, on the last day"), validators=[Optional()])
    # Kept for scripts and older forms: used when no end time is given.
    duration_minutes = IntegerField(_l("Duration in minutes"), validators=[Optional()])
    timezone = StringField(
        _l("Time zone"),
        validators=[Optional()],
        render_kw={"list": "timezones", "autocomplete": "off"},
    )
    in_host_timezone = BooleanField(_l("Hold each meeting in its host city's time zone"))
    venue = StringField(_l("Venue"), validators=[Optional(), _max(300)])
    published = BooleanField(_l("Published"))
    confirm_gap = _gap_confirmation()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        names = get_day_names("wide", locale=current_language())
        self.by_weekday.choices = choices(
            [("", "–"), *((str(n), names[n].capitalize()) for n in range(7))]
        )

    @property
    def hosts(self) -> list[SelectField]:
        return [self[f"host_{n}"] for n in range(1, MAX_HOSTS + 1)]

    def set_partner_choices(self, partner_choices: list[tuple[str, str]]) -> None:
        for entry in self.hosts:
            entry.choices = choices([("", "–"), *partner_choices])

    def host_ids(self) -> list[int]:
        return [
            int(e.data)
            for e in self.hosts
            if e.data and str(e.data).isascii() and str(e.data).isdigit() and len(str(e.data)) < 10
        ]


# The rotation: one select per place, in order (a plain, accessible form without script).
for _n in range(1, MAX_HOSTS + 1):
    setattr(
        SeriesForm,
        f"host_{_n}",
        SelectField(_l("Host %(n)s", n=_n), validate_choice=False, default=""),
    )


class OccurrenceForm(Form):
    occurrence = SelectField(_l("Meeting"), validate_choice=False)


class MoveForm(OccurrenceForm):
    new_date = DateField(_l("New date"), validators=[Optional()])
    new_time = TimeField(_l("New local start time"), validators=[Optional()])
    new_timezone = StringField(
        _l("New time zone"),
        validators=[Optional()],
        render_kw={"list": "timezones", "autocomplete": "off"},
    )
    venue = StringField(_l("New venue"), validators=[Optional(), _max(300)])
    host = SelectField(
        _l("New host"),
        validators=[FromTheList(_l("Choose the new host from the list, or leave it unchanged."))],
        validate_choice=False,
    )
    reason = StringField(_l("Reason in Swedish"), validators=[Optional(), _max(500)])
    reason_en = StringField(_l("Reason in English"), validators=[Optional(), _max(500)])
    confirm_gap = _gap_confirmation()


class CancelForm(OccurrenceForm):
    skip = BooleanField(_l("Skip the year: the host keeps its turn for the next meeting"))
    reason = StringField(_l("Reason in Swedish"), validators=[Optional(), _max(500)])
    reason_en = StringField(_l("Reason in English"), validators=[Optional(), _max(500)])


class SwapForm(OccurrenceForm):
    other = SelectField(
        _l("Swap host with"),
        validators=[FromTheList(_l("Choose the meeting to swap with from the list."))],
        validate_choice=False,
    )
    reason = StringField(_l("Reason in Swedish"), validators=[Optional(), _max(500)])
    reason_en = StringField(_l("Reason in English"), validators=[Optional(), _max(500)])


class MeetingForm(Form):
    title_sv = StringField(_l("Title in Swedish"), validators=[_max(200)])
    title_en = StringField(_l("Title in English"), validators=[_max(200)])
    partner_id = SelectField(_l("Partner or network"), validate_choice=False)
    venue = StringField(_l("Venue"), validators=[Optional(), _max(300)])
    agenda = TextAreaField(_l("Agenda"), validators=[Optional()])
    timezone = StringField(
        _l("Time zone"),
        validators=[Optional()],
        render_kw={"list": "timezones", "autocomplete": "off"},
    )
    start_date = DateField(_l("Start date"), validators=[_required(_l("Give the start date."))])
    start_time = TimeField(
        _l("Local start time"), validators=[_required(_l("Give the start time."))]
    )
    end_date = DateField(_l("End date"), validators=[Optional()])
    end_time = TimeField(_l("Local end time"), validators=[_required(_l("Give the end time."))])
    published = BooleanField(_l("Published"))
    confirm_gap = _gap_confirmation()


class MeetingCancelForm(Form):
    reason = StringField(
        _l("Reason for the cancellation in Swedish"),
        validators=[_required(_l("Say why the meeting is cancelled.")), _max(500)],
    )
    reason_en = StringField(
        _l("Reason for the cancellation in English"), validators=[Optional(), _max(500)]
    )


class DelegateForm(Form):
    name = StringField(
        _l("Name"), validators=[_required(_l("Give the delegate's name.")), _max(200)]
    )
    role = StringField(_l("Role"), validators=[Optional(), _max(200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), _max(200)])
    city = StringField(_l("City"), validators=[Optional(), _max(120)])
    email = EmailField(
        _l("E-mail"),
        validators=[_required(_l("Give the delegate's e-mail address.")), _max(254)],
    )
    language = SelectField(
        _l("Language of the invitation"),
        choices=choices([("sv", "Svenska"), ("en", "English")]),
        default="sv",
    )


class AgendaForm(Form):
    """The agenda of one occurrence of a series and whether the public page shows it."""

    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=20000)])
    agenda_public = BooleanField(_l("Show the agenda on the public page"))


class DocumentForm(Form):
    """A PDF for one occurrence; the file is checked by the service (`app.documents`)."""

    document = FileField(_l("PDF file"), render_kw={"accept": ".pdf,application/pdf"})
    public = BooleanField(_l("Public: linked from the public page"))


class DocumentPublicForm(Form):
    """Show a document on the public page, or take it off."""

    public = BooleanField()


class ConfirmForm(Form):
    """A button that posts (with its CSRF token) and nothing else."""


class ReplyForm(Form):
    """A delegate's answer, sent by one of two buttons named `answer`."""

    answer = StringField(_l("Answer"), validators=[Optional()])
