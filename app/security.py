"""Security headers on every answer, and no caching of private pages.

The Content-Security-Policy allows scripts and styles from this site only: no inline
`<script>`, `<style>` or `style="…"` (none exists in the templates; mail templates are
not pages and keep theirs), so a name such as `<script>alert(1)</script>` that escaped
the templates' escaping would still not run. Pages may not be framed (clickjacking) and
forms may post only here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_login import current_user

# Pages that show private data or carry a secret link: no browser or proxy keeps a copy.
PRIVATE_PREFIXES = ("/admin/", "/signups/", "/meetings/replies/", "/login")

HSTS = "max-age=31536000"


def content_security_policy(config) -> str:
    """Return the policy, allowing the organisation's logo where it is hosted elsewhere."""
    images = ["'self'"]
    logo = config.get("ORG_LOGO_URL") or ""
    parts = urlsplit(logo)
    if parts.scheme in ("http", "https") and parts.netloc:
        images.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        )
    )


def is_https(secure_request: bool, config) -> bool:
    """Tell whether the answer goes out over HTTPS (the request's scheme, or the site's)."""
    return secure_request or config.get("PREFERRED_URL_SCHEME") == "https"


def site_headers(config, *, https: bool) -> dict[str, str]:
    """Return the headers every answer carries unless it sets its own (the feeds' fast
    path, `app.calendar.fastpath`, sends them too)."""
    headers = {
        "Content-Security-Policy": content_security_policy(config),
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors, for older browsers
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def _add_headers(response: Response) -> Response:
    headers = response.headers
    https = is_https(request.is_secure, current_app.config)
    for name, value in site_headers(current_app.config, https=https).items():
        headers.setdefault(name, value)
    # A coordinator's view of a public page (the calendar with reminders and drafts, say)
    # holds what the public may not see: no browser or proxy keeps it either.
    if request.path.startswith(PRIVATE_PREFIXES) or (
        response.mimetype == "text/html" and current_user.is_authenticated
    ):
        headers["Cache-Control"] = "no-store"
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every answer; trust X-Forwarded-* from `TRUSTED_PROXIES` proxies."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if str(app.config.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        app.config["PREFERRED_URL_SCHEME"] = "https"
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.after_request(_add_headers)
