"""Keep secrets that travel in URLs out of the access logs.

Private calendar feeds and schools' (and delegates') signed links carry their secret in
the path; the dev server's and gunicorn's access logs would otherwise keep them in clear
text, where anyone reading the logs could use them.
"""

from __future__ import annotations

import logging
import re

# /calendar/private/<token>.ics, /signups/<token>[/...], /replies/<token>[/...]
SECRET_PATHS = re.compile(r"(/calendar/private/|/signups/|/replies/)[^/\s?\"'.]+")
LOGGERS = ("werkzeug", "gunicorn.access")


def redact(text: str) -> str:
    """Return text with every secret path segment replaced by "[redacted]"."""
    return SECRET_PATHS.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """Rewrite a log record's message without the secrets in URLs it mentions."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install() -> None:
    """Add the filter to the access loggers, once per process."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
