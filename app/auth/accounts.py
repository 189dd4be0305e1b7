"""Accounts managed by an administrator: add one, change its role, set a new password for
it, deactivate or reactivate it. Every change is written to the audit log. Plain functions that flush,
never commit; a refused change raises AccountError with a message in the user's language.

Two rules keep the installation manageable: an administrator cannot deactivate or demote
themself, and the last active administrator is never demoted or deactivated.

A new password set by an administrator (for a colleague who forgot theirs) follows the
password rules and ends every session of the account at once, as deactivating does; the
administrator tells the colleague, who may change it on the password page. One's own
password is changed there, with the current one.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import audit
from app.auth.models import ADMINISTRATOR, COORDINATOR, ROLES, Coordinator
from app.auth.passwords import check_password
from app.auth.services import create_coordinator, find_coordinator
from app.domain import DomainError
from app.emails import normalise_email
from app.extensions import db

ROLE_LABELS = {ADMINISTRATOR: _l("Administrator"), COORDINATOR: _l("Coordinator")}


class AccountError(DomainError):
    """A change to an account the rules refuse; the message says why."""


def all_accounts() -> list[Coordinator]:
    """Return every account, active ones first, by name and address."""
    return list(
        db.session.scalars(
            sa.select(Coordinator).order_by(
                Coordinator.active.desc(), Coordinator.name, Coordinator.email
            )
        )
    )


def add_account(
    email: str, name: str, role: str, password: str, *, must_change: bool = False
) -> Coordinator:
    """Add an account whose initial password passes the password rules; with
    `must_change`, the account has to choose a password of its own after logging in."""
    try:
        address = normalise_email(email)
    except ValueError as exc:
        raise AccountError(
            _l("Enter an e-mail address such as name@example.org."), field="email"
        ) from exc
    if find_coordinator(address) is not None:
        raise AccountError(
            _l("An account with the address %(email)s already exists.", email=address),
            field="email",
        )
    if role not in ROLES:
        raise AccountError(_l("Choose a role."), field="role")
    account = create_coordinator(
        address, password, name=name, role=role, must_change_password=must_change
    )
    audit.record(
        audit.CREATE,
        account,
        summary=audit.say("Account %(email)s added", email=account.email),
    )
    return account


def _active_administrators() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Coordinator)
        .where(Coordinator.role == ADMINISTRATOR, Coordinator.active.is_(True))
    )


def _keep_an_administrator(account: Coordinator, actor: Coordinator) -> None:
    """Refuse to take an active administrator away when it is the last one, or the actor."""
    if account.is_administrator and account.active and _active_administrators() <= 1:
        raise AccountError(
            _l(
                "%(email)s is the last active administrator: make another account an "
                "administrator first.",
                email=account.email,
            )
        )
    if account.id == actor.id:
        raise AccountError(
            _l("You cannot deactivate or demote your own account. Ask another administrator.")
        )


def change_role(account: Coordinator, role: str, actor: Coordinator) -> None:
    """Give an account another role."""
    if role not in ROLES:
        raise AccountError(_l("Choose a role."), field="role")
    if role == account.role:
        return
    if account.is_administrator:
        _keep_an_administrator(account, actor)
    before = audit.snapshot(account)
    account.role = role
    audit.record(
        audit.UPDATE,
        account,
        before=before,
        summary=audit.say(
            "Account %(email)s given the role %(role)s",
            email=account.email,
            role=audit.code("role", role),
        ),
    )


def deactivate(account: Coordinator, actor: Coordinator) -> None:
    """Deactivate an account: it can no longer log in, and every session of it ends."""
    if not account.active:
        return
    _keep_an_administrator(account, actor)
    before = audit.snapshot(account)
    account.active = False
    account.end_sessions()
    audit.record(
        audit.UPDATE,
        account,
        before=before,
        summary=audit.say("Account %(email)s deactivated", email=account.email),
    )


def set_password(
    account: Coordinator, password: str, actor: Coordinator, *, must_change: bool = False
) -> None:
    """Give another account a new password and end every session of it.

    With `must_change`, the account has to choose a password of its own after logging in.
    """
    if account.id == actor.id:
        raise AccountError(
            _l("Change your own password on the password page, with your current one.")
        )
    check_password(password, account.email, field="new_password", own=False)
    before = audit.snapshot(account)
    account.set_password(password)
    account.must_change_password = must_change
    account.end_sessions()
    audit.record(
        audit.UPDATE,
        account,
        before=before,
        summary=audit.say("New password set for account %(email)s", email=account.email),
    )


def reactivate(account: Coordinator) -> None:
    """Let a deactivated account log in again (with its old password)."""
    if account.active:
        return
    before = audit.snapshot(account)
    account.active = True
    audit.record(
        audit.UPDATE,
        account,
        before=before,
        summary=audit.say("Account %(email)s reactivated", email=account.email),
    )
