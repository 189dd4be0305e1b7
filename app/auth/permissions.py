"""Who may do what: coordinators change data, administrators also manage the installation
(accounts, private feed tokens, retention, organisation settings), everyone else reads.

An account holding a temporary password from an administrator is not yet a coordinator
anywhere: `is_coordinator()` says no for it (pages that show more to coordinators ask it,
never `is_authenticated` alone), and `init_app` sends it from every page to the password
page (then on to the page it asked for), except the password page itself, logging out,
static files and the health check.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

PASSWORD_PAGE = "auth.change_password"  # noqa: S105 (an endpoint name)
# What an account with a temporary password may still open: the password page, logging
# out, static files and the health check. (The language is a ?lang= on any address, the
# password page's included.)
OPEN_WITH_A_TEMPORARY_PASSWORD = frozenset({PASSWORD_PAGE, "auth.logout", "static", "main.healthz"})


def is_coordinator() -> bool:
    """Whether this request comes from a logged-in coordinator who may see the workspace:
    not an account that must first replace a temporary password."""
    return bool(current_user.is_authenticated and not current_user.must_change_password)


def _to_the_password_page():
    """Send an account with a temporary password to choose its own, before anything else;
    a page it asked for (a GET) is where the password page leads afterwards."""
    message = _("The password you were given is temporary: choose one of your own to go on.")
    if ("warning", message) not in session.get("_flashes", []):  # once, however many pages
        flash(message, "warning")
    target = None
    if request.method in ("GET", "HEAD") and request.endpoint != "auth.login":
        target = safe_local_target(request.full_path.rstrip("?"))
    elif request.endpoint == "auth.login":
        target = safe_local_target(request.args.get("next"))
    return redirect(url_for(PASSWORD_PAGE, next=target))


def _temporary_password_gate():
    if (
        request.endpoint is None
        or request.endpoint in OPEN_WITH_A_TEMPORARY_PASSWORD
        or not current_user.is_authenticated
        or not current_user.must_change_password
    ):
        return None
    return _to_the_password_page()


def init_app(app: Flask) -> None:
    """Send an account with a temporary password to the password page from every page."""
    app.before_request(_temporary_password_gate)


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
