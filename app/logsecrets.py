"""Keep secrets that travel in URLs out of the access logs.

Private calendar feeds and schools' (and delegates') signed links carry their secret in
the path; the dev server's and gunicorn's access logs would otherwise keep them in clear
text, where anyone reading the logs could use them.
"""

from __future__ import annotations

import logging
import re

# /calendar/private/<token>.ics, /signups/<token>[/...], /replies/<token>[/...], also
# percent-encoded (a `next=` or a Referer). A signed link's token has dots in it (payload,
# signature): the whole segment goes, not only what comes before the first dot.
SECRET_PATHS = re.compile(
    r"(/calendar/private/)[^/\s?&\"'%]+?(?=\.ics|[/\s?&\"'%]|$)"
    r"|(/signups/|/replies/)[^/\s?&\"'%]+"
    r"|(%2Fcalendar%2Fprivate%2F|%2Fsignups%2F|%2Freplies%2F)[^%\s&\"']+",
    re.IGNORECASE,
)
# The access logs, and the app's own loggers that name the path of a failed request.
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "app.errors", "app.boundary")


def _replace(match: re.Match) -> str:
    prefix = next(group for group in match.groups() if group)
    return f"{prefix}[redacted]"


def redact(text: str) -> str:
    """Return text with every secret path segment replaced by "[redacted]"."""
    return SECRET_PATHS.sub(_replace, text)


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
