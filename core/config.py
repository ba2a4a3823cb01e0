"""Configuration read from the environment, with defaults that are safe for one laptop."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from typing import Any

ASYNC_MODES = ("gevent", "threading")
SESSION_DAYS = 14


def instance_path() -> Path:
    """Where the SQLite file and the generated secret key live (``instance/`` beside the code)."""
    return Path(
        os.environ.get("SANGTAO_INSTANCE", Path(__file__).resolve().parents[1] / "instance")
    )


def secret_key(folder: Path) -> str:
    """``SECRET_KEY`` from the environment, else one generated into ``instance/`` on first run."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = folder / "secret_key"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # Created readable by its owner only, and by one process only when several start at once.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def lan_address() -> str:
    """The address this laptop most likely has on the venue network (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def trusted_proxies() -> int:
    """``TRUST_PROXY``: how many proxies stand in front of the server (0: none, trust no
    ``X-Forwarded-*`` header, since any visitor on the venue network can send one)."""
    value = os.environ.get("TRUST_PROXY") or "0"
    if not value.isdigit():
        raise ValueError(f"TRUST_PROXY must be a number of proxies, not {value!r}")
    return int(value)


def rate_limit_storage(message_queue: str | None) -> str:
    """Where login attempts are counted: the Redis that several server processes already share
    for broadcasts, so that they count together; else this process's memory."""
    if message_queue and message_queue.startswith(("redis://", "rediss://")):
        return message_queue
    return "memory://"


def _positive(name: str, default: str, kind: type[int] | type[float]) -> Any:
    value = kind(os.environ.get(name) or default)
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {value}")
    return value


def from_environment() -> dict[str, Any]:
    """Settings for :func:`core.app.create_app`; every key can be overridden by ``test_config``."""
    folder = instance_path()
    async_mode = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
    if async_mode not in ASYNC_MODES:
        raise ValueError(f"SOCKETIO_ASYNC_MODE must be one of {ASYNC_MODES}, not {async_mode!r}")
    message_queue = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    public_url = (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None
    # Served over HTTPS: cookies never travel in clear. Otherwise a cookie is still made Secure
    # whenever its request came over HTTPS (core.auth), as behind a proxy that ends TLS.
    https = bool(public_url and public_url.startswith("https://"))
    return {
        "SECRET_KEY": secret_key(folder),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'sangtao.db'}"),
        "SOCKETIO_MESSAGE_QUEUE": message_queue,
        "SOCKETIO_ASYNC_MODE": async_mode,
        "PUBLIC_URL": public_url,
        "TRUST_PROXY": trusted_proxies(),
        # bench/latency.py's bare broadcast; never on at an event.
        "BENCHMARK": os.environ.get("SANGTAO_BENCHMARK") == "1",
        "SQLITE_BUSY_TIMEOUT_MS": 10_000,
        # sangtao serve: seconds a client has for a request's line and headers, and for each
        # read of its body; connections served at once (the rest wait in the kernel's queue).
        "READ_TIMEOUT": _positive("SANGTAO_READ_TIMEOUT", "10", float),
        # Seconds without a touch before the registration kiosk goes back to its first screen.
        "KIOSK_IDLE_SECONDS": _positive("SANGTAO_KIOSK_IDLE", "60", int),
        "MAX_CONNECTIONS": _positive("SANGTAO_MAX_CONNECTIONS", "1000", int),
        # werkzeug's method for organisers' passwords; tests make it cheap.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Hashes computed at once under gevent: one core is always left to the event loop.
        "PASSWORD_HASH_THREADS": max(1, (os.cpu_count() or 2) - 1),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * SESSION_DAYS,
        # The session cookie is written only by a request that changed the session: otherwise
        # a slow answer to a page asked before a signing out, or before the next judge signed
        # in on the same tablet, would write the old session back.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Flask-Login's "basic" protection would write it too, on the first page after a signing
        # in, to mark the session not fresh: nothing here asks for a fresh login, and an
        # organiser's sessions end by their generation (core.auth).
        "SESSION_PROTECTION": None,
        # Flask-Login's "remember me": as long as a session, not its default year.
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * SESSION_DAYS,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
        # Flask-Limiter: failed guesses counted per address and per account (core.views).
        "RATELIMIT_STORAGE_URI": rate_limit_storage(message_queue),
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,  # Redis down: count in memory, not fail
        "LOGIN_LIMIT_PER_ADDRESS": "10 per 15 minutes",
        "LOGIN_LIMIT_PER_ACCOUNT": "20 per hour",
        "SETUP_LIMIT_PER_ADDRESS": "10 per 15 minutes",
        # Judges' sign-in: every PIN attempt from an address; wrong PINs for one card; opened
        # links that are not a card's.
        "PIN_LIMIT_PER_ADDRESS": "10 per minute",
        "PIN_LIMIT_PER_CARD": "5 per 15 minutes",
        "JUDGE_LINK_LIMIT_PER_ADDRESS": "20 per minute",
        # Certificate codes looked up in vain on /verify (scoring/verify.py).
        "VERIFY_LIMIT_PER_ADDRESS": "20 per minute",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    }
