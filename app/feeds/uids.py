"""Stable iCal UIDs: one rule for every kind of event, so feeds and mails agree."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def calendar_uid(*parts: object) -> str:
    """Return "<parts joined by ->@<host of PUBLIC_BASE_URL>", e.g. meeting-12@example.org."""
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "vanort"
    return "-".join(str(p) for p in parts) + f"@{domain}"
