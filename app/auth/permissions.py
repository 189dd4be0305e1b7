"""Who may do what: coordinators change data, administrators also manage the installation
(accounts, private feed tokens, retention, organisation settings), everyone else reads."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user


def require_coordinator(bp: Blueprint) -> Blueprint:
    """Send anyone but a logged-in coordinator to /login from every route of bp."""

    @bp.before_request
    def _only_coordinators():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    return bp


def require_administrator(bp: Blueprint) -> Blueprint:
    """Send anyone not logged in to /login, and refuse (403) a coordinator who is no
    administrator, from every route of bp."""

    @bp.before_request
    def _only_administrators():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
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
