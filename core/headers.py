"""Security headers on every answer.

Every page loads only what this server serves (the venue may have no internet, and nothing else
should run here): scripts are the fingerprinted modules under /static plus the inline import map,
which carries the request's nonce. No page may be framed by another site, and no answer is
sniffed into another type. Written out here rather than with a library: the usual one also forces
HTTPS, which a venue LAN has not.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g

NONCE = "csp_nonce"


def csp_nonce() -> str:
    """This request's nonce, for the one inline script that runs (the import map)."""
    if NONCE not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def reuse_nonce(nonce: str) -> None:
    """Answer with the nonce a page kept in memory was drawn with (``kiosk.pages`` says why
    that is safe): the header must name the nonce its body carries."""
    g.csp_nonce = nonce


def content_security_policy(nonce: str, frame_ancestors: str = "'none'") -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            # A QR code shown once, as a judge's new card, is drawn inline (core.qr).
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


def framed_by_this_site(response: Response) -> Response:
    """Let this site's own pages show ``response`` in a frame (the screens' previews on their
    control page); every other page may be framed by nobody."""
    response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), "'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
    app.jinja_env.globals.update(csp_nonce=csp_nonce)
