"""A school's self-service link: the signed token, its path and URL, and the sign-up it opens."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.exchanges import models as m
from app.exchanges.errors import ExchangeError
from app.exchanges.models import Exchange, Signup
from app.extensions import db
from app.partners.services import home_today

TOKEN_SALT = "vanort.exchanges.signup"  # noqa: S105 (a namespace, not a secret)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def new_nonce() -> str:
    """Return a fresh nonce for a sign-up's link; replacing it revokes the links mailed before."""
    return secrets.token_hex(16)


def signup_token(signup: Signup) -> str:
    """Return the signed token of a sign-up's self-service link."""
    return _serializer().dumps({"s": signup.id, "n": signup.token_nonce})


def signup_path(signup: Signup) -> str:
    """Return the path of a sign-up's self-service page."""
    return f"/signups/{signup_token(signup)}"


def _public(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def signup_url(signup: Signup) -> str:
    """Return the absolute self-service link mailed to the school."""
    return _public(signup_path(signup))


def exchange_url(exchange: Exchange) -> str:
    """Return the absolute address of an exchange's public page."""
    return _public(f"/exchanges/{exchange.id}")


def signup_from_token(token: str, now: datetime | None = None) -> Signup:
    """Return the sign-up a link points to.

    Raises ExchangeError 'bad_link' for an altered or unknown token, 'link_revoked' for a
    cancelled sign-up (or a link replaced since), 'link_expired' once the exchange is over.
    """
    try:
        data = _serializer().loads(token)
        signup_id, nonce = int(data["s"]), str(data["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ExchangeError("bad_link") from None
    signup = db.session.get(Signup, signup_id)
    if signup is None or not secrets.compare_digest(signup.token_nonce, nonce):
        raise ExchangeError("bad_link")
    if signup.status == m.SIGNUP_CANCELLED:
        raise ExchangeError("link_revoked", signup=signup)
    if signup.exchange.ends_on < home_today(now):
        raise ExchangeError("link_expired", signup=signup)
    return signup
