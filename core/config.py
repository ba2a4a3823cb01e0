"""Configuration read from the environment, with defaults that are safe for one laptop."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from typing import Any

ASYNC_MODES = ("gevent", "threading")


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
    folder.mkdir(parents=True, exist_ok=True)
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
    return {
        "SECRET_KEY": secret_key(folder),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'sangtao.db'}"),
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
        "SOCKETIO_ASYNC_MODE": async_mode,
        "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None,
        # bench/latency.py's bare broadcast; never on at an event.
        "BENCHMARK": os.environ.get("SANGTAO_BENCHMARK") == "1",
        "SQLITE_BUSY_TIMEOUT_MS": 10_000,
        # sangtao serve: seconds a client has for a request's line and headers, and for each
        # read of its body; connections served at once (the rest wait in the kernel's queue).
        "READ_TIMEOUT": _positive("SANGTAO_READ_TIMEOUT", "10", float),
        "MAX_CONNECTIONS": _positive("SANGTAO_MAX_CONNECTIONS", "1000", int),
        # werkzeug's method for organisers' passwords; tests make it cheap.
        "PASSWORD_HASH_METHOD": "scrypt",
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    }
