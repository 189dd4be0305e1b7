"""Private feed tokens: long, random, shown once, stored as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import audit
from app.auth.models import Coordinator
from app.calendar.models import FeedToken
from app.domain import DomainError
from app.extensions import db
from app.timeutil import utcnow

TOKEN_BYTES = 32  # 256 bits: 43 URL-safe characters


class TokenError(DomainError):
    """A token cannot be made or revoked as asked."""


def digest(secret: str) -> str:
    """Return the SHA-256 under which a token with this secret is stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(label: str, coordinator: Coordinator | None) -> tuple[FeedToken, str]:
    """Make a token; return it and its secret, which is never stored nor shown again."""
    label = (label or "").strip()
    if not label:
        raise TokenError(_l("Say who or what the feed is for."), field="label")
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    token = FeedToken(
        label=label, token_hash=digest(secret), hint=secret[:6], created_by=coordinator
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        audit.CREATE,
        token,
        after=audit.snapshot(token, exclude=("token_hash",)),
        summary=audit.say("Private calendar feed for %(label)s", label=label),
    )
    return token, secret


def active_token(secret: str) -> FeedToken | None:
    """Return the unrevoked token with this secret, or None."""
    return db.session.scalar(
        sa.select(FeedToken).where(
            FeedToken.token_hash == digest(secret), FeedToken.revoked_at.is_(None)
        )
    )


def all_tokens() -> list[FeedToken]:
    """Return every token, the active ones first, the newest first."""
    return list(
        db.session.scalars(
            sa.select(FeedToken).order_by(
                FeedToken.revoked_at.is_not(None), FeedToken.created_at.desc(), FeedToken.id
            )
        )
    )


def revoke(token: FeedToken) -> None:
    """Revoke a token: its feed answers 404 from now on."""
    if token.revoked_at is not None:
        raise TokenError(_l("This feed address has already been revoked."), field="token")
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record(
        audit.UPDATE,
        token,
        after=audit.snapshot(token, exclude=("token_hash",)),
        summary=audit.say("Private calendar feed for %(label)s revoked", label=token.label),
    )
