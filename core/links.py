"""The address phones and tablets reach: every QR code and printed link is built from it."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

from core.config import lan_address

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_PORT = 8000


def public_url() -> str:
    """``PUBLIC_URL``, else the address this request came in on, else this laptop's LAN address.

    A loopback address is never returned: it would print ``localhost`` on a poster.
    """
    configured: str | None = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured
    port = DEFAULT_PORT
    if has_request_context():
        came_in_on = urlsplit(request.host_url)
        if came_in_on.hostname not in LOOPBACK:
            return request.host_url.rstrip("/")
        port = came_in_on.port or DEFAULT_PORT
    return f"http://{lan_address()}:{port}"


def safe_next(target: str | None, default: str | None = None) -> str:
    """Where to go back to after a login or a language switch: a path on this site, else
    ``default`` (home unless given).

    Browsers drop tabs and newlines and read a backslash as ``/``, so ``/<tab>/evil.example``
    would leave the site; and any run of leading slashes is another site's address once the
    response collapses it to ``//``. Such targets are refused outright rather than cleaned.
    """
    target = target or ""
    parts = urlsplit(target)
    unsafe = any(c.isspace() or ord(c) < 32 or c == "\\" for c in target)
    if unsafe or parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] == "/":
        return default or url_for("core.home")
    return target


def is_guessed() -> bool:
    return not current_app.config.get("PUBLIC_URL")


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link on the public address, for QR codes, printouts and the CLI."""
    return public_url() + url_for(endpoint, **values)


def origin_check(configured: str | None) -> Callable[[str | None, dict[str, Any]], bool]:
    """Which pages may open a socket: those of this server, under an address it is known by.

    The page's ``Origin`` must be the address the request came in on (its ``Host``), and that
    address must be ``configured`` (``PUBLIC_URL``), a loopback name or a bare IP address. A page
    of another site whose name an attacker points at this laptop (DNS rebinding) carries that
    name in both headers, and is refused.
    """
    known = urlsplit(configured) if configured else None

    def allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        scheme, host = environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST")
        if not origin or origin != f"{scheme}://{host}":
            return False
        name = urlsplit(origin).hostname or ""
        if known is not None and (known.scheme, known.netloc) == (scheme, host):
            return True
        return name in LOOPBACK or _is_ip_address(name)

    return allowed


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
