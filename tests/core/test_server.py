"""The production server's pure parts; tests/e2e/test_network.py runs the server itself."""

from __future__ import annotations

import pytest

from core.server import FILES_PER_CONNECTION, RESERVED_FILES, connection_cap, redacted


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("GET /j/s3cr3t HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("GET /j/s3cr3t?lang=en HTTP/1.1", "GET /j/<secret>?lang=en HTTP/1.1"),
        ("GET /j/s3cr3t/more HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("GET /%6A/s3cr3t HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("GET http://192.168.1.20:8000/j/s3cr3t HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("POST /d/personal-link/3/files HTTP/1.1", "POST /d/<secret> HTTP/1.1"),
        ("GET /dossier/new HTTP/1.1", "GET /dossier/new HTTP/1.1"),
        ("GET /judge HTTP/1.1", "GET /judge HTTP/1.1"),
        ("GET /e/public-exhibit HTTP/1.1", "GET /e/public-exhibit HTTP/1.1"),
        ("", ""),
    ],
)
def test_the_access_log_hides_what_follows_a_secret_prefix(line: str, logged: str) -> None:
    assert redacted(line) == logged


def test_connections_are_capped_by_the_open_files() -> None:
    assert connection_cap(1000, 1_048_576) == 1000
    assert connection_cap(1000, 1024) == (1024 - RESERVED_FILES) // FILES_PER_CONNECTION
    assert connection_cap(1000, None) == 1000  # Windows: no such limit
