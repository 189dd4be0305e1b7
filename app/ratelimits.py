"""Limits on what one visitor may try: passwords, sign-ups, mail to one address.

Flask-Limiter gives the counters (its `limits` strategies on the storage named by
`RATELIMIT_STORAGE_URI`: by default the app's own database, see
`app/ratelimit_storage.py`, so the limits hold across gunicorn's workers and across hosts;
`memory://` only suits one process). The counting is done here, in hooks that run before
the boundary starts the request's transaction and after it has finished: the counters
live on connections of their own, and on SQLite a request's write lock must not be held
while they are counted.

- Logging in: every attempt counts against the account's address and against the visitor;
  past the limit even the right password is refused until the window passes. A login that
  verified the account's password clears the account's count (`password_verified`, said
  by the login page; no other answer of the page clears anyone's count).
- Changing one's password: each wrong current password counts against the account (a
  stolen session must not guess it without end); past the limit the page is refused, even
  with the right password, until the window passes (the login's per-account limit).
- Signing a school up: counts against the visitor and against the address the mail goes
  to, so the public form cannot be used to mail anyone, any number of times, from the
  municipality's sender.
- Every other public form (a school's link, a delegate's reply), and an administrator
  setting a new password for another account: against the visitor.

The limits are configuration (`RATELIMIT_LOGIN_PER_ACCOUNT` and so on, in the `limits`
notation "5 per 15 minutes"); `RATELIMIT_ENABLED = False` turns the whole lot off (tests
that are not about it; never in production).
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, g, request, session
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import HTTPException

from app import ratelimit_storage
from app.dbutil import SAFE_METHODS
from app.emails import normalise_email
from app.errors import abort_with

limiter = Limiter(key_func=get_remote_address, strategy="fixed-window")

LOGIN_ENDPOINT = "auth.login"
SIGNUP_ENDPOINT = "exchanges.signup"
CHANGE_PASSWORD_PAGE = "auth.change_password"  # noqa: S105 (an endpoint name)
SET_PASSWORD_PAGE = "accounts_admin.password"  # noqa: S105 (an endpoint name)
# Public forms a visitor sends without logging in (besides logging in and signing up).
PUBLIC_FORM_PREFIXES = ("exchanges.", "meetings.")


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _item(name: str):
    return parse(current_app.config[name])


def _address(field: str) -> str | None:
    try:
        return normalise_email(request.form.get(field, ""))
    except ValueError:
        return None


def _refuse(item, *identifiers: str, message: str) -> None:
    """Answer 429 with `message` and Retry-After."""
    reset, _remaining = limiter.limiter.get_window_stats(item, *identifiers)
    wait = max(1, math.ceil(reset - time.time()))
    try:
        abort_with(429, message)
    except HTTPException as exc:  # werkzeug's TooManyRequests sends Retry-After
        exc.retry_after = wait
        raise


def _count(config_name: str, scope: str, key: str, message: str) -> None:
    """Count one attempt under (scope, key); refuse the request past the limit."""
    item = _item(config_name)
    if not limiter.limiter.hit(item, scope, key):
        _refuse(item, scope, key, message=message)


def _too_many_logins() -> str:
    return _(
        "Too many attempts to log in. For your account's safety, wait a quarter of an hour "
        "and try again."
    )


def _too_many_passwords() -> str:
    return _(
        "Too many wrong passwords. For your account's safety, wait a quarter of an hour "
        "and try again."
    )


def password_verified() -> None:
    """Note that this login request verified the posted account's password: its count is
    cleared after the request."""
    g.login_password_verified = True


def current_password_verified(account_id: int) -> None:
    """Note that this request changed the account's password with the right current one:
    its count of wrong ones is cleared after the request."""
    g.current_password_verified = account_id


def wrong_current_password(account_id: int) -> None:
    """Note that this request gave a wrong current password; counted after the request."""
    g.wrong_password_account = account_id


def _session_account() -> str | None:
    """Return the id of the account this session is logged in as (Flask-Login's cookie)."""
    user_id = session.get("_user_id")
    return str(user_id).partition(":")[0] if user_id else None


def _too_many_forms() -> str:
    return _("You have sent this form too many times in a short time. Wait a while and try again.")


def _too_many_mails() -> str:
    return _(
        "Too many sign-ups have been sent to this e-mail address in the last hour. "
        "Wait a while and try again."
    )


def _before_request() -> None:
    if request.method in SAFE_METHODS or not _enabled() or request.endpoint is None:
        return
    endpoint = request.endpoint
    visitor = get_remote_address()
    if endpoint == LOGIN_ENDPOINT:
        _count("RATELIMIT_LOGIN_PER_VISITOR", "login-visitor", visitor, _too_many_logins())
        address = _address("email")
        if address:
            _count("RATELIMIT_LOGIN_PER_ACCOUNT", "login-account", address, _too_many_logins())
    elif endpoint == CHANGE_PASSWORD_PAGE:
        account = _session_account()
        item = _item("RATELIMIT_LOGIN_PER_ACCOUNT")
        if account and not limiter.limiter.test(item, "password-account", account):
            _refuse(item, "password-account", account, message=_too_many_passwords())
    elif endpoint == SIGNUP_ENDPOINT:
        _count("RATELIMIT_SIGNUP_PER_VISITOR", "signup-visitor", visitor, _too_many_forms())
        address = _address("contact_email")
        if address:
            _count("RATELIMIT_MAIL_PER_ADDRESS", "mail-address", address, _too_many_mails())
    elif endpoint == SET_PASSWORD_PAGE:
        _count("RATELIMIT_PUBLIC_FORMS_PER_VISITOR", "reset-visitor", visitor, _too_many_forms())
    elif endpoint.startswith(PUBLIC_FORM_PREFIXES):
        _count("RATELIMIT_PUBLIC_FORMS_PER_VISITOR", "form-visitor", visitor, _too_many_forms())


def _after_request(response: Response) -> Response:
    # Runs after the boundary's commit (hooks registered earlier run later).
    account = g.pop("wrong_password_account", None)
    if account is not None and _enabled():
        limiter.limiter.hit(_item("RATELIMIT_LOGIN_PER_ACCOUNT"), "password-account", str(account))
    if (
        g.pop("login_password_verified", False)
        and request.endpoint == LOGIN_ENDPOINT
        and response.status_code in (302, 303)
        and _enabled()
    ):
        address = _address("email")
        if address:
            limiter.limiter.clear(_item("RATELIMIT_LOGIN_PER_ACCOUNT"), "login-account", address)
    account = g.pop("current_password_verified", None)
    if (
        account is not None
        and request.endpoint == CHANGE_PASSWORD_PAGE
        and response.status_code in (302, 303)
        and _enabled()
    ):
        limiter.limiter.clear(
            _item("RATELIMIT_LOGIN_PER_ACCOUNT"), "password-account", str(account)
        )
    return response


def init_app(app: Flask) -> None:
    """Bind Flask-Limiter and add the hooks; call before `boundary.init_app`."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", f"{ratelimit_storage.SCHEME}://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Flask-Limiter binds its storage only when switched on; the hooks here read the switch
    # on each request (a test may turn the limits on for itself).
    wanted = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = wanted
    app.before_request(_before_request)
    app.after_request(_after_request)
