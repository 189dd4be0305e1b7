"""Erasing one record's personal data in place, shared by the disposal job and by the erasure
of everything held about one address.

A sign-up keeps its school, numbers, status and dates; a delegate keeps the reply. The
erased text fields get placeholders that are unique per row (the unique indexes on
addresses stay satisfied) and are never shown: pages check `erased_at`. Their links are
revoked (new nonces), and the audit entries about them lose the same fields.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from app.audit import AuditEntry
from app.exchanges.models import Signup
from app.extensions import db
from app.meetings.models import Delegate

ERASED = "[erased]"
SIGNUP_FIELDS = ("contact_name", "contact_email")
DELEGATE_FIELDS = ("name", "email", "role", "organisation", "city")


def placeholder_address(kind: str, row_id: int) -> str:
    """Return the stand-in of an erased address: unique per row, never a mailbox."""
    return f"erased-{kind}-{row_id}"


def erase_signup(signup: Signup, now: datetime) -> None:
    """Erase a sign-up's contact person and revoke its link; numbers and status stay."""
    signup.contact_name = ""
    signup.contact_email = placeholder_address("signup", signup.id)
    signup.token_nonce = secrets.token_hex(16)
    signup.erased_at = now


def erase_delegate(delegate: Delegate, now: datetime) -> None:
    """Erase a delegate's name and contact details and revoke the reply links; the reply stays."""
    delegate.name = ERASED
    delegate.email = placeholder_address("delegate", delegate.id)
    delegate.role = delegate.organisation = delegate.city = ""
    delegate.reply_nonce = secrets.token_hex(16)
    delegate.erased_at = now


def scrub_audit(
    object_type: str,
    ids: Iterable[int],
    fields: tuple[str, ...],
    hide: Iterable[str] = (),
    changed_ids: set[int] | None = None,
) -> int:
    """Erase `fields` from the audit entries about these objects, and the values in `hide`
    wherever the entries' sentences quote them. Return how many entries changed (and add
    their ids to `changed_ids` when given)."""
    ids = [str(i) for i in ids]
    hidden = {h for h in hide if h}
    changed = 0
    for start in range(0, len(ids), 500):
        entries = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.object_type == object_type,
                AuditEntry.object_id.in_(ids[start : start + 500]),
            )
        )
        for entry in entries:
            if scrub_entry(entry, fields, hidden):
                changed += 1
                if changed_ids is not None:
                    changed_ids.add(entry.id)
    return changed


def scrub_entry(entry: AuditEntry, fields: tuple[str, ...], hidden: set[str]) -> bool:
    """Erase fields and quoted values from one entry; return whether it changed."""
    before = (entry.before, entry.after, entry.message, entry.summary)
    for column in ("before", "after"):
        text = getattr(entry, column)
        if text:
            values = json.loads(text)
            for name in fields:
                if values.get(name):
                    values[name] = ERASED
            setattr(entry, column, json.dumps(values, ensure_ascii=False, sort_keys=True))
    if entry.message:
        data = json.loads(entry.message)
        values = data.get("values") or {}
        for name, value in values.items():
            if name in fields or (isinstance(value, str) and _mentions(value, hidden)):
                values[name] = ERASED
        entry.message = json.dumps(data, ensure_ascii=False)
    entry.summary = hide_in(entry.summary, hidden)
    return before != (entry.before, entry.after, entry.message, entry.summary)


def _mentions(text: str, hidden: set[str]) -> bool:
    folded = text.casefold()
    return any(h and h.casefold() in folded for h in hidden)


def hide_in(text: str | None, hidden: set[str]) -> str | None:
    """Return text with every hidden value (case-insensitively) replaced by [erased]."""
    if not text:
        return text
    for value in sorted((h for h in hidden if h), key=len, reverse=True):
        text = re.sub(re.escape(value), ERASED, text, flags=re.IGNORECASE)
    return text
