"""The audit log's filter form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.formfields import DateField, Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    object_type = SelectField(_l("Kind of record"), validators=[Optional()])
    action = SelectField(_l("Change"), validators=[Optional()])
    actor = StringField(_l("Changed by (e-mail)"), validators=[Optional(), Length(max=254)])
    date_from = DateField(_l("From (date)"), validators=[Optional()])
    date_to = DateField(_l("To (date)"), validators=[Optional()])
