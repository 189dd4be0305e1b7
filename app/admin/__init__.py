"""The coordinators' workspace under /admin/."""

from __future__ import annotations

from flask import Blueprint

from app.auth.permissions import require_coordinator

bp = require_coordinator(Blueprint("admin", __name__, url_prefix="/admin"))

from app.admin import crud, panels, routes  # noqa: E402, F401
