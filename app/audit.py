"""The audit log: who changed what in the workspace, when, with values before and after.

What happened is said with `say("English sentence with %(name)s", name=value)`: the
entry keeps the English original (the msgid, extracted into the catalogues like `_l`)
and its values, and the log page translates it into the reader's language, with dates
and times in the home zone (app/admin/labels.py). Values that are codes (a status, a
kind) are passed as `code("kind of code", value)` and shown as words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

CREATE = "create"
UPDATE = "update"
DELETE = "delete"


class AuditEntry(db.Model):
    """One change made in the workspace (or by a command)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinator.id", ondelete="SET NULL"), index=True
    )
    actor_email: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_id: Mapped[str] = mapped_column(sa.String(60), default="")
    summary: Mapped[str] = mapped_column(sa.String(300), default="")  # English, for search
    # JSON {"id": English msgid, "values": {...}}: the summary, translated when shown.
    message: Mapped[str | None] = mapped_column(sa.Text)
    before: Mapped[str | None] = mapped_column(sa.Text)  # JSON
    after: Mapped[str | None] = mapped_column(sa.Text)  # JSON

    __table_args__ = (sa.CheckConstraint("action <> ''", name="action_not_empty"),)

    @property
    def message_parts(self) -> tuple[str, dict] | None:
        """Return the summary's msgid and values, or None for an entry from before them."""
        if not self.message:
            return None
        data = json.loads(self.message)
        return data["id"], data.get("values") or {}

    @property
    def before_values(self) -> dict:
        return json.loads(self.before) if self.before else {}

    @property
    def after_values(self) -> dict:
        return json.loads(self.after) if self.after else {}

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before_values, self.after_values
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@dataclass(frozen=True)
class Message:
    """A sentence of the log kept as its English msgid and its values (JSON-able)."""

    msgid: str
    values: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        """Return the sentence in English, for the summary column (search, old readers)."""
        return self.msgid % {k: _english_value(v) for k, v in self.values.items()}

    def json(self) -> str:
        return json.dumps({"id": self.msgid, "values": self.values}, ensure_ascii=False)


def say(msgid: str, **values: object) -> Message:
    """Return what happened as a sentence to translate when shown, e.g.
    `say("Occurrence %(key)s of series %(series)s moved", key=key, series=series.id)`."""
    return Message(msgid, {name: _tagged(value) for name, value in values.items()})


def code(kind: str, value: str) -> dict:
    """Mark a value as a code of a kind (a status, a kind of school) to show as a word."""
    return {"code": kind, "value": value}


def _tagged(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return {"moment": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, dict) and "code" in value:
        return value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def _english_value(value: object) -> object:
    if isinstance(value, dict):
        return value.get("value") or value.get("date") or value.get("moment")
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def snapshot(obj: object, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the column values of a mapped object as plain JSON-able values."""
    mapper = sa.inspect(obj).mapper
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in exclude and not attr.key.endswith("password_hash")
    }


def record(
    action: str,
    obj: object | None = None,
    *,
    object_type: str | None = None,
    object_id: object = "",
    summary: str | Message = "",
    before: dict | None = None,
    after: dict | None = None,
    actor: object | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (flush, no commit).

    For an update, take `snapshot(obj)` before changing it and pass it as `before`;
    `after` defaults to the object's values now (or nothing for a delete).
    """
    if actor is None:
        try:
            actor = current_user if current_user and current_user.is_authenticated else None
        except RuntimeError:  # outside a request: a CLI command
            actor = None
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id or getattr(obj, "id", "")
        if after is None and action != DELETE:
            db.session.flush()
            after = snapshot(obj)
            object_id = object_id or getattr(obj, "id", "")
    message = None
    if isinstance(summary, Message):
        summary, message = summary.english(), summary.json()
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type or "",
        object_id=str(object_id),
        summary=summary[:300],
        message=message,
        before=json.dumps(before, ensure_ascii=False, sort_keys=True) if before else None,
        after=json.dumps(after, ensure_ascii=False, sort_keys=True) if after else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
