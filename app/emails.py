"""The one rule for e-mail addresses: every area stores and compares them in this form."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def normalise_email(raw: str) -> str:
    """Return the address trimmed, checked and lower-cased, or raise ValueError."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return result.normalized.lower()
