"""Workspace forms for agreements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.agreements.labels import KIND_LABELS
from app.agreements.models import DEFAULT_LEAD_DAYS
from app.formfields import DateField, Form


def _partner_id(value: object) -> int | None:
    """Coerce the partner choice; the empty choice is None (the service asks for a partner)."""
    if value in (None, ""):
        return None
    return int(value)


class AgreementForm(Form):
    partner_id = SelectField(_l("Partner"), coerce=_partner_id)
    kind = SelectField(_l("Kind of agreement"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    decision_lead_days = IntegerField(
        _l("Decision lead time (days)"),
        default=DEFAULT_LEAD_DAYS,
        validators=[InputRequired(), NumberRange(min=0, max=36500)],
    )
    signatories = TextAreaField(_l("Signatories"), validators=[Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10000)])
    document = FileField(_l("Signed document (PDF)"), render_kw={"accept": ".pdf,application/pdf"})

    def __init__(self, *args: object, partners: list | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, str(v)) for k, v in KIND_LABELS.items()]
        self.partner_id.choices = [("", _l("Choose a partner"))] + [
            (p.id, p.name) for p in partners or []
        ]


class RenewForm(Form):
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    signatories = TextAreaField(_l("Signatories"), validators=[Length(max=2000)])


class EndForm(Form):
    ended_on = DateField(_l("Ends on"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class DeleteForm(Form):
    """Only the CSRF token: the confirmation page's button."""
