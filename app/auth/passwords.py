"""What makes a password acceptable: long enough, not a common one, not the account's address."""

from __future__ import annotations

import functools
from importlib import resources

from flask_babel import lazy_gettext as _l

from app.domain import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 512


class PasswordError(DomainError):
    """A password the rules refuse; the message says why, in the user's language."""


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords, lowercased."""
    text = resources.files("app.auth").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _squeezed(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


@functools.cache
def _common_squeezed() -> frozenset[str]:
    # "Pass word 123!" is "password123" with decoration.
    return frozenset(_squeezed(c) for c in common_passwords())


def check_password(
    password: str, email: str = "", field: str = "password", *, own: bool = True
) -> None:
    """Raise PasswordError when the password is too short, common or the account's address.

    `own=False` when the password is set for someone else's account (an administrator's
    for a colleague, a new account): the refusal then speaks of the account's address.
    """
    if len(password) < MIN_LENGTH:
        raise PasswordError(
            _l("The password must have at least %(n)s characters.", n=MIN_LENGTH), field
        )
    if len(password) > MAX_LENGTH:
        raise PasswordError(
            _l("The password may have at most %(n)s characters.", n=MAX_LENGTH), field
        )
    lowered = password.strip().lower()
    common = common_passwords()
    if lowered in common or _squeezed(password) in _common_squeezed():
        raise PasswordError(
            _l(
                "This password is among the most common ones, which are tried first. Choose another."
            ),
            field,
        )
    if len(set(lowered)) < 4:
        raise PasswordError(_l("The password repeats too few characters. Choose another."), field)
    address = email.strip().lower()
    if address and (lowered == address or lowered == address.split("@")[0] or address in lowered):
        if own:
            raise PasswordError(
                _l("The password must not be your e-mail address. Choose another."), field
            )
        raise PasswordError(
            _l("The password must not be the account's e-mail address. Choose another."), field
        )
