"""Who may do what: coordinators change data, administrators also manage the installation
(accounts, private feed tokens, retention, organisation settings), everyone else reads.
An account holding a temporary password from an administrator is sent to the password
page from every workspace page until it has chosen its own."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user


def _to_the_password_page():
    """Send an account with a temporary password to choose its own, before anything else."""
    flash(
        _("The password you were given is temporary: choose one of your own to go on."),
        "warning",
    )
    return redirect(url_for("auth.change_password"))


def require_coordinator(bp: Blueprint) -> Blueprint:
    """Send anyone but a logged-in coordinator to /login from every route of bp."""

    @bp.before_request
    def _only_coordinators():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.must_change_password:
            return _to_the_password_page()
        return None

    return bp


def require_administrator(bp: Blueprint) -> Blueprint:
    """Send anyone not logged in to /login, and refuse (403) a coordinator who is no
    administrator, from every route of bp."""

    @bp.before_request
    def _only_administrators():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.must_change_password:
            return _to_the_password_page()
        if not current_user.is_administrator:
            abort(403)
        return None

    return bp


def safe_local_target(target: str | None) -> str | None:
    """Return target when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
