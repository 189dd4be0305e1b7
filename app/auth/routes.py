"""Log in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.models import Coordinator
from app.auth.permissions import safe_local_target
from app.auth.services import authenticate
from app.extensions import db, login_manager

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"


@login_manager.user_loader
def load_coordinator(user_id: str) -> Coordinator | None:
    try:
        return db.session.get(Coordinator, int(user_id))
    except ValueError:
        return None


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
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))
