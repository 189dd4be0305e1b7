"""The accounts page of the workspace, /admin/accounts/: every account with its role,
whether it is active and when it last logged in; an administrator adds accounts, changes
roles, sets a new password for a colleague who forgot theirs, and deactivates or
reactivates accounts (a new password and deactivating both end the account's sessions).

Administrators only (`require_administrator`). The rules live in app/auth/accounts.py.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import accounts
from app.auth.forms import AccountForm, ButtonForm, RoleForm, SetPasswordForm
from app.auth.models import Coordinator
from app.domain import DomainError
from app.extensions import db
from app.formfields import show_error

from .permissions import require_administrator

bp = require_administrator(Blueprint("accounts_admin", __name__, url_prefix="/admin/accounts"))


def _account(account_id: int) -> Coordinator:
    account = db.session.get(Coordinator, account_id)
    if account is None:
        abort(404)
    return account


def _me() -> Coordinator:
    return db.session.get(Coordinator, current_user.id)


def _page(add: AccountForm | None = None, errors: dict | None = None, status: int = 200):
    return (
        render_template(
            "auth/admin/accounts.html",
            accounts=accounts.all_accounts(),
            add=add or AccountForm(),
            role_labels=accounts.ROLE_LABELS,
            role_form=RoleForm,
            button=ButtonForm(),
            errors=errors or {},
            zone=current_app.config["HOME_TIMEZONE"],
        ),
        status,
    )


@bp.get("/")
def index():
    return _page()


@bp.post("/")
def add():
    form = AccountForm()
    if not form.validate_on_submit():
        return _page(add=form, status=422)
    try:
        account = accounts.add_account(
            form.email.data or "",
            form.name.data or "",
            form.role.data,
            form.password.data,
            must_change=form.must_change.data,
        )
    except DomainError as err:
        show_error(form, err)
        return _page(add=form, status=422)
    flash(_("The account %(email)s has been added.", email=account.email), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:account_id>/role")
def role(account_id: int):
    account = _account(account_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _page(errors={account.id: _("Choose a role.")}, status=422)
    try:
        accounts.change_role(account, form.role.data, _me())
    except DomainError as err:
        return _page(errors={account.id: str(err.message)}, status=422)
    flash(_("The role of %(email)s has been changed.", email=account.email), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:account_id>/deactivate", methods=["GET", "POST"])
def deactivate(account_id: int):
    """GET asks for confirmation; POST deactivates."""
    account = _account(account_id)
    button = ButtonForm()
    if request.method == "GET":
        return render_template("auth/admin/deactivate.html", account=account, button=button)
    if not button.validate_on_submit():
        abort(400)
    try:
        accounts.deactivate(account, _me())
    except DomainError as err:
        show_error(button, err)
        return render_template("auth/admin/deactivate.html", account=account, button=button), 422
    flash(
        _("The account %(email)s has been deactivated and logged out.", email=account.email),
        "success",
    )
    return redirect(url_for(".index"))


@bp.route("/<int:account_id>/password", methods=["GET", "POST"])
def password(account_id: int):
    """Set a new password for another account; its sessions end."""
    account = _account(account_id)
    form = SetPasswordForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                accounts.set_password(
                    account, form.new_password.data, _me(), must_change=form.must_change.data
                )
            except DomainError as err:
                show_error(form, err)
            else:
                flash(
                    _(
                        "%(email)s has a new password and has been logged out everywhere. "
                        "Tell them the password in person or by phone, not by e-mail.",
                        email=account.email,
                    ),
                    "success",
                )
                return redirect(url_for(".index"))
    mine = account.id == current_user.id
    return render_template(
        "auth/admin/password.html", account=account, form=form, mine=mine
    ), status


@bp.post("/<int:account_id>/reactivate")
def reactivate(account_id: int):
    account = _account(account_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    accounts.reactivate(account)
    flash(_("The account %(email)s can log in again.", email=account.email), "success")
    return redirect(url_for(".index"))
