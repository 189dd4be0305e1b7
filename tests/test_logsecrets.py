"""Secrets that travel in URLs never reach the access logs in clear text."""

from __future__ import annotations

import logging

from app.logsecrets import RedactSecrets, redact


def test_private_feed_and_signed_link_secrets_are_redacted():
    line = (
        '127.0.0.1 - - "GET /calendar/private/HmlKA0Qd_x-9.ics HTTP/1.1" 200 -'
        ' "GET /signups/eyJhbGciOi.abc/cancel HTTP/1.1" "GET /replies/tok3n HTTP/1.1"'
    )
    cleaned = redact(line)
    for secret in ("HmlKA0Qd_x-9", "eyJhbGciOi", "tok3n"):
        assert secret not in cleaned
    assert "/calendar/private/[redacted].ics" in cleaned
    assert "/signups/[redacted]" in cleaned and "/calendar.ics" not in cleaned


def test_the_dev_servers_access_log_is_filtered(app, caplog):
    logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, RedactSecrets) for f in logger.filters)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info(
            '%s - - [%s] "%s" %s', "127.0.0.1", "now", "GET /calendar/private/s3cr3t.ics", 200
        )
    assert "s3cr3t" not in caplog.text and "[redacted]" in caplog.text
