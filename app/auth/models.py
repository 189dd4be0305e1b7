"""Coordinator accounts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

ADMINISTRATOR = "administrator"
COORDINATOR = "coordinator"
ROLES = (ADMINISTRATOR, COORDINATOR)


class Coordinator(UserMixin, db.Model):
    """A member of the international office who may change data.

    An administrator may also manage accounts, private feed tokens, retention and the
    organisation's settings. `session_version` is part of the id kept in the session
    cookie: raising it (logging out, changing the password) ends every session of the
    account, including copies of an old cookie. `must_change_password` keeps the account
    on the password page until it replaces a temporary password.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    language: Mapped[str | None] = mapped_column(sa.String(5))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role: Mapped[str] = mapped_column(
        sa.String(20), default=COORDINATOR, server_default=COORDINATOR
    )
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Set with a temporary password from an administrator: the workspace sends the account
    # to the password page until it has chosen its own.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    __table_args__ = (
        sa.CheckConstraint("email <> ''", name="email_not_empty"),
        sa.CheckConstraint("role IN ('administrator', 'coordinator')", name="role_known"),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_administrator(self) -> bool:
        return self.role == ADMINISTRATOR

    def get_id(self) -> str:
        """Return "id:session version": a cookie made before the version moved is refused."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """End every session of this account, on every device."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Coordinator {self.email}>"
