"""Login and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.formfields import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=512)])


class PasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=512)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=512)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _must_change_field() -> BooleanField:
    return BooleanField(
        _l("The colleague must choose a password of their own after logging in"), default=True
    )


def _role_field() -> SelectField:
    return SelectField(_l("Role"), validators=[DataRequired(message=_l("Choose a role."))])


class _RoleChoices:
    def __init__(self, *args, **kwargs) -> None:
        from app.auth.accounts import ROLE_LABELS

        super().__init__(*args, **kwargs)
        self.role.choices = [(k, str(v)) for k, v in ROLE_LABELS.items()]


class AccountForm(_RoleChoices, Form):
    """A new account, added by an administrator."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(message=_l("Enter an e-mail address.")), Length(max=254)],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = _role_field()
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=512)],
        render_kw={"autocomplete": "new-password"},
    )
    must_change = _must_change_field()


class RoleForm(_RoleChoices, Form):
    """Another role for an account."""

    role = _role_field()


class SetPasswordForm(Form):
    """A new password for another account, set by an administrator."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=512)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(message=_l("Enter the password again.")),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    must_change = _must_change_field()


class ButtonForm(Form):
    """Only the CSRF token: deactivate or reactivate."""
