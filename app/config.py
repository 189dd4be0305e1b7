"""Configuration defaults; `instance/config.py` and the environment override them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# Names read from the environment, as listed in CONTRACT.md.
ENV_NAMES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_STARTTLS",
    "MAIL_FROM",
    "DEFAULT_LANGUAGE",
    "PUBLIC_BASE_URL",
    "HOME_TIMEZONE",
    "UPLOAD_MAX_BYTES",
    "SCHEDULER_LEASE_SECONDS",
    "OUTBOX_POLL_SECONDS",
    "ORG_NAME",
    "ORG_NAME_EN",
    "ORG_LOGO_URL",
    "ORG_CONTACT_EMAIL",
    "ORG_PHONE",
    "ORG_DPO_EMAIL",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_ENABLED",
    "TRUSTED_PROXIES",
    "RETENTION_SCHOOL_CONTACTS_MONTHS",
    "RETENTION_DELEGATES_MONTHS",
    "RETENTION_MAIL_MONTHS",
    "RETENTION_REMINDERS_MONTHS",
    "RETENTION_AUDIT_MONTHS",
)

LANGUAGES = ("sv", "en")


class Defaults:
    """Defaults that hold on any machine; no secrets here."""

    DATABASE_URL: str | None = None  # filled in from the instance path
    SECRET_KEY: str | None = None  # generated once into instance/secret_key
    SMTP_HOST = "localhost"
    SMTP_PORT = 8025
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = False
    SMTP_TIMEOUT = 10
    MAIL_FROM = "planner@localhost"
    DEFAULT_LANGUAGE = "sv"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    HOME_TIMEZONE = "Europe/Stockholm"
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a school may take its time filling in a form
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Mail delivery retries: first retry after this many seconds, doubling, capped.
    OUTBOX_RETRY_BASE_SECONDS = 60
    OUTBOX_RETRY_MAX_SECONDS = 3600
    # The scheduler process: a standby takes over this long after the active one died.
    SCHEDULER_LEASE_SECONDS = 40
    SCHEDULER_MISFIRE_GRACE_SECONDS = 300
    # How often the outbox job looks for mail; None: every 2 s, or every 30 s on
    # PostgreSQL, where each commit that queued mail wakes it at once (LISTEN/NOTIFY).
    OUTBOX_POLL_SECONDS: int | None = None
    # The organisation behind the site, in the header and footer of every page and in the
    # accessibility statement and privacy notice. ORG_NAME_EN defaults to the English of
    # the default name, or to ORG_NAME when that was changed.
    ORG_NAME = "Internationella kontoret"
    ORG_NAME_EN: str | None = None
    ORG_LOGO_URL: str | None = None
    ORG_CONTACT_EMAIL = "international@example.org"
    ORG_PHONE: str | None = None
    ORG_DPO_EMAIL = "dataskyddsombud@example.org"
    # Limits on what one visitor may try (app/ratelimits.py), in the `limits` notation.
    # The counters live in the app's database ("vanort-db://"), shared by every worker and
    # host; "redis://host:6379" works too (with the redis package); "memory://" only for
    # one process (`make run`).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "vanort-db://"
    RATELIMIT_LOGIN_PER_ACCOUNT = "5 per 15 minutes"
    RATELIMIT_LOGIN_PER_VISITOR = "30 per 15 minutes"
    RATELIMIT_SIGNUP_PER_VISITOR = "10 per hour"
    RATELIMIT_MAIL_PER_ADDRESS = "3 per hour"
    RATELIMIT_PUBLIC_FORMS_PER_VISITOR = "60 per hour"
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none).
    # Behind one, set 1: the limits then count the visitor's address, not the proxy's,
    # and HSTS and Secure cookies follow the visitor's https.
    TRUSTED_PROXIES = 0
    # A calendar app asking again for an unchanged feed gets its 304 in front of Flask
    # (app/calendar/fastpath.py); False sends every request through Flask.
    FEED_FAST_PATH = True
    # Seconds a public feed's data version, once read, answers that 304 in this process
    # (a change is seen within them; clients may reuse a public feed for 15 minutes
    # anyway). 0 reads it for every request; private feeds always read it.
    FEED_VERSION_SECONDS = 1.0
    # Disposal of personal data (app/records/rules.py): months after the record's end
    # (the exchange, the meeting, the mail, the reminded event, the logged change); 0 keeps
    # the records. The municipality's records plan (dokumenthanteringsplan) decides.
    RETENTION_SCHOOL_CONTACTS_MONTHS = 12
    RETENTION_DELEGATES_MONTHS = 24
    RETENTION_MAIL_MONTHS = 6
    RETENTION_REMINDERS_MONTHS = 12
    RETENTION_AUDIT_MONTHS = 60


_BOOL_NAMES = {"SMTP_STARTTLS", "RATELIMIT_ENABLED"}
_INT_NAMES = {
    "SMTP_PORT",
    "UPLOAD_MAX_BYTES",
    "SCHEDULER_LEASE_SECONDS",
    "OUTBOX_POLL_SECONDS",
    "TRUSTED_PROXIES",
    "RETENTION_SCHOOL_CONTACTS_MONTHS",
    "RETENTION_DELEGATES_MONTHS",
    "RETENTION_MAIL_MONTHS",
    "RETENTION_REMINDERS_MONTHS",
    "RETENTION_AUDIT_MONTHS",
}


class ConfigError(ValueError):
    """A configuration value the app cannot run with; the message says which and why."""


def _coerce(name: str, raw: str) -> object:
    if name in _BOOL_NAMES:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if name in _INT_NAMES:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    return raw


def language(value: object) -> str:
    """Return DEFAULT_LANGUAGE as one of LANGUAGES: `sv-SE` or `SV` is `sv`; others refused."""
    primary = str(value).strip().replace("_", "-").split("-", 1)[0].lower()
    if primary not in LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {value!r}")
    return primary


def from_environment(environ: os._Environ | dict) -> dict:
    """Return the configuration values set in the environment."""
    return {name: _coerce(name, environ[name]) for name in ENV_NAMES if environ.get(name)}


def secret_key_for(instance_path: str) -> str:
    """Return the instance's secret key, generating it into the instance folder once."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Exclusive create so that two processes starting together agree on one key.
    try:
        with open(path, "x") as fh:
            fh.write(key)
        os.chmod(path, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    return key


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
