"""Agreements pages (filled in by its step)."""

from __future__ import annotations

from flask import Blueprint

# Every blueprint of this area; create_app registers them all.
blueprints: list[Blueprint] = []
