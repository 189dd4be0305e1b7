"""Workspace forms for reminders: a rule's offsets, and the retry button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from app.formfields import Form


class RuleForm(Form):
    """One rule's offsets and whether it is on (shown once per rule, prefixed by its key)."""

    offsets = StringField(_l("Offsets before the event"), validators=[Length(max=200)])
    enabled = BooleanField(_l("Send these reminders"))


class ButtonForm(Form):
    """Only the CSRF token: the retry button."""
