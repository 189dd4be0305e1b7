"""Coordinator operations: plain functions that flush, never commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.models import COORDINATOR, ROLES, Coordinator
from app.auth.passwords import MIN_LENGTH, PasswordError, check_password
from app.domain import DomainError
from app.emails import normalise_email
from app.extensions import db
from app.timeutil import utcnow

MIN_PASSWORD_LENGTH = MIN_LENGTH  # the old name


class CoordinatorError(DomainError):
    """A coordinator could not be created; the message says why."""


def find_coordinator(email: str) -> Coordinator | None:
    """Return the coordinator with this e-mail address, if any."""
    try:
        email = normalise_email(email)
    except ValueError:
        return None
    return db.session.scalar(sa.select(Coordinator).where(Coordinator.email == email))


NAME_MAX_LENGTH = 120  # the column's width, and the account form's limit


def check_new_account(email: str, name: str = "", role: str = COORDINATOR) -> tuple[str, str]:
    """Return the normalised address and the stripped name of a new account; refuse a
    malformed or taken address, a name longer than the column, an unknown role."""
    try:
        address = normalise_email(email)
    except ValueError as exc:
        raise CoordinatorError(
            _l("Not a valid e-mail address: %(email)s", email=email.strip()), field="email"
        ) from exc
    if find_coordinator(address) is not None:
        raise CoordinatorError(
            _l("An account with the address %(email)s already exists.", email=address),
            field="email",
        )
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise CoordinatorError(
            _l("The name may have at most %(n)s characters.", n=NAME_MAX_LENGTH), field="name"
        )
    if role not in ROLES:
        raise CoordinatorError(
            _l("Unknown role %(role)s: one of %(roles)s.", role=role, roles=", ".join(ROLES)),
            field="role",
        )
    return address, name


def create_coordinator(
    email: str,
    password: str,
    name: str = "",
    *,
    role: str = COORDINATOR,
    check_policy: bool = True,
    must_change_password: bool = False,
) -> Coordinator:
    """Add an account; refuse malformed or taken addresses, over-long names and weak
    passwords. With `must_change_password` it chooses its own password after logging in.

    `check_policy=False` is for the demo's published login only.
    """
    address, name = check_new_account(email, name, role)
    if check_policy:
        try:
            check_password(password, address, own=False)
        except PasswordError as exc:
            raise CoordinatorError(exc.message, field="password") from exc
    coordinator = Coordinator(
        email=address, name=name, role=role, must_change_password=must_change_password
    )
    coordinator.set_password(password)
    db.session.add(coordinator)
    db.session.flush()
    return coordinator


def authenticate(email: str, password: str) -> Coordinator | None:
    """Return the active coordinator these credentials belong to, else None."""
    coordinator = find_coordinator(email)
    if coordinator is None or not coordinator.active:
        # Same work either way, so timing does not tell which part was wrong.
        Coordinator(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not coordinator.check_password(password):
        return None
    coordinator.last_login_at = utcnow()
    return coordinator


_DUMMY_HASH = (
    "scrypt:32768:8:1$ZkZQ1ZbM8n0yq3sF$"
    "0d0f8c0a2a8c0b5f8e3f7e3a1c9d6b0d0c6a2a9f3d4b8e6f0a1c2d3e4f5a6b7c"
    "8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6"
)


def change_password(coordinator: Coordinator, current: str, new: str) -> None:
    """Set a new password after checking the current one; end every other session."""
    if not coordinator.check_password(current):
        raise CoordinatorError(_l("The current password is wrong."), field="current_password")
    if current == new:
        raise CoordinatorError(
            _l("The new password must differ from the current one."), field="new_password"
        )
    check_password(new, coordinator.email, field="new_password")
    coordinator.set_password(new)
    coordinator.must_change_password = False
    coordinator.end_sessions()
    db.session.flush()
