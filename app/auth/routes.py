"""Log in and out; change one's password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app import ratelimits
from app.auth.forms import LoginForm, PasswordForm
from app.auth.models import Coordinator
from app.auth.permissions import is_coordinator, safe_local_target
from app.auth.services import authenticate, change_password
from app.domain import DomainError
from app.extensions import db, login_manager
from app.formfields import show_error

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"


@login_manager.user_loader
def load_coordinator(user_id: str) -> Coordinator | None:
    """Return the account of a session made since its last logout or password change.

    The session holds "id:version" (`Coordinator.get_id`); logging out or changing the
    password raises the account's version, so a copy of an older cookie opens nothing.
    """
    account, _sep, version = user_id.partition(":")
    try:
        coordinator = db.session.get(Coordinator, int(account))
    except ValueError:
        return None
    if coordinator is None or str(coordinator.session_version) != version:
        return None
    return coordinator


bp.add_app_template_global(is_coordinator, "is_coordinator")


@bp.app_template_global("is_administrator")
def is_administrator() -> bool:
    """Tell templates (and macros imported without context) whether to offer admin pages."""
    return bool(is_coordinator() and current_user.is_administrator)


def _safe_next(target: str | None) -> str:
    """Return a local path to continue to, never another site."""
    return safe_local_target(target) or url_for("admin.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        coordinator = authenticate(form.email.data or "", form.password.data or "")
        if coordinator is not None:
            ratelimits.password_verified()
            login_user(coordinator)
            flash(_("You are logged in."), "success")
            return redirect(_safe_next(request.args.get("next")))
        flash(_("The e-mail address or the password is wrong."), "error")
        status = 401
    else:
        status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Everywhere: this browser, the account's other browsers, any copy of the cookie.
        db.session.get(Coordinator, current_user.id).end_sessions()
    logout_user()
    # Nothing of the session outlives it (an address looked up on the privacy page, say).
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/admin/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_page():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        coordinator = db.session.get(Coordinator, current_user.id)
        try:
            change_password(coordinator, form.current_password.data, form.new_password.data)
        except DomainError as err:
            if err.field == "current_password":
                ratelimits.wrong_current_password(coordinator.id)
            show_error(form, err)
            status = 422
        else:
            ratelimits.current_password_verified(coordinator.id)
            login_user(coordinator)  # this browser stays in; every other session has ended
            flash(
                _("Your password has been changed. Every other session has been logged out."),
                "success",
            )
            # On to the page first asked for, when a temporary password stood in the way.
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 422
    return render_template("auth/password.html", form=form), status
