"""The audit log: who changed what in the workspace, when, with values before and after."""

from __future__ import annotations

import json
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
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    before: Mapped[str | None] = mapped_column(sa.Text)  # JSON
    after: Mapped[str | None] = mapped_column(sa.Text)  # JSON

    __table_args__ = (sa.CheckConstraint("action <> ''", name="action_not_empty"),)

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
    summary: str = "",
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
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type or "",
        object_id=str(object_id),
        summary=summary[:300],
        before=json.dumps(before, ensure_ascii=False, sort_keys=True) if before else None,
        after=json.dumps(after, ensure_ascii=False, sort_keys=True) if after else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
