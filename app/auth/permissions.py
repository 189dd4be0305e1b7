"""Who may do what: coordinators change data, everyone else reads."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user


def require_coordinator(bp: Blueprint) -> Blueprint:
    """Send anyone but a logged-in coordinator to /login from every route of bp."""

    @bp.before_request
    def _only_coordinators():  # noqa: ANN202
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    return bp
