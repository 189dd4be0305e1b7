"""Workspace forms for grants and their obligations."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from app.formfields import DateField, Form
from app.grants.labels import KIND_LABELS
from app.i18n import localized
from app.partners.models import Partner, Project

# ASCII digits, optional spaces between groups, at most two decimals after . or ,
_AMOUNT = re.compile(r"[0-9]{1,15}(?:[.,][0-9]{1,2})?")


class AmountField(Field):
    """A sum of money in ASCII digits ("450 000", "1250.50"); anything else is a field error."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        raw = "".join(valuelist[0].replace("\u00a0", " ").split())[:40]
        if raw == "":
            self.data = None
            return
        if not _AMOUNT.fullmatch(raw):
            self.data = None
            raise ValueError(_l("Give the amount, such as 450000 or 450000.50."))
        self.data = Decimal(raw.replace(",", "."))


class GrantForm(Form):
    programme = StringField(
        _l("Programme"),
        validators=[DataRequired(), Length(max=120)],
        render_kw={"list": "programmes"},
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    partner_id = SelectField(_l("Partner"), coerce=int, default=0)
    project_id = SelectField(_l("Project"), coerce=int, default=0)
    amount = AmountField(_l("Amount"), validators=[InputRequired()])
    currency = StringField(
        _l("Currency"), default="SEK", validators=[DataRequired(), Length(max=3)]
    )
    reference = StringField(_l("Reference"), validators=[Length(max=100)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10000)])

    def __init__(
        self,
        *args: object,
        partners: list[Partner] | None = None,
        projects: list[Project] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partner_id.choices = [(0, str(_l("None")))] + [(p.id, p.name) for p in partners or []]
        self.project_id.choices = [(0, str(_l("None")))] + [
            (p.id, f"{p.partner.name}: {localized(p, 'title')}") for p in projects or []
        ]


class ObligationForm(Form):
    kind = SelectField(_l("Obligation"), validators=[DataRequired()])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    done_on = DateField(_l("Done on"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, str(v)) for k, v in KIND_LABELS.items()]


class ButtonForm(Form):
    """Only the CSRF token: a button that marks done, not done, or deletes."""
