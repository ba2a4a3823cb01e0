import threading

import pytest

from core import config
from core.app import create_app
from core.db import database


def test_defaults_are_an_sqlite_file_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("SANGTAO_INSTANCE", str(tmp_path))
    for name in ("DATABASE_URL", "SECRET_KEY", "SOCKETIO_MESSAGE_QUEUE", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = config.from_environment()
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'sangtao.db'}"
    assert settings["SOCKETIO_MESSAGE_QUEUE"] is None
    assert settings["SOCKETIO_ASYNC_MODE"] == "gevent"
    assert settings["PUBLIC_URL"] is None
    assert settings["BABEL_DEFAULT_LOCALE"] == "vi"


def test_secret_key_is_generated_once_into_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("SANGTAO_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.from_environment()["SECRET_KEY"]
    second = config.from_environment()["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_the_defaults(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/d")
    monkeypatch.setenv("SOCKETIO_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PUBLIC_URL", "http://10.0.0.5:8000/")
    settings = config.from_environment()
    assert settings["SECRET_KEY"] == "from-env"
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@h/d"
    assert settings["SOCKETIO_MESSAGE_QUEUE"] == "redis://127.0.0.1:6379/0"
    assert settings["PUBLIC_URL"] == "http://10.0.0.5:8000"


def test_an_unknown_async_mode_is_refused(monkeypatch):
    monkeypatch.setenv("SOCKETIO_ASYNC_MODE", "eventlet")
    with pytest.raises(ValueError, match="SOCKETIO_ASYNC_MODE"):
        config.from_environment()


def test_the_factory_takes_test_config_and_sets_the_async_mode(app):
    assert app.testing
    assert app.extensions["socketio"].server.eio.async_mode == "threading"
    assert not create_app({"SECRET_KEY": "x", "SOCKETIO_ASYNC_MODE": "threading"}).testing


def test_sqlite_is_tuned_for_concurrent_judges(app):
    with app.app_context():
        db = database()
        with db.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 10_000
            assert pragma("PRAGMA synchronous").scalar() == 2  # FULL


def test_write_requests_begin_immediate_and_reads_deferred(app, client, contest, judge):
    from sqlalchemy import event

    statements = []
    with app.app_context():
        engine = database().engine
    requests = threading.get_ident()  # the test client serves requests in this thread

    def listener(*args):
        if threading.get_ident() == requests:  # not the snapshot builds in the background
            statements.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(f"/api/v1/events/{contest.slug}/standings")
        reads = [s for s in statements if s.startswith("BEGIN")]
        statements.clear()
        client.post(
            "/api/v1/scoresheets",
            json={
                "id": "b7f3c2a0-0000-4000-8000-000000000001",
                "entry": contest.entries[0],
                "scores": {},
                "submit": False,
            },
            headers={"Authorization": f"Bearer {judge.token}"},
        )
        writes = [s for s in statements if s.startswith("BEGIN")]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert reads and set(reads) == {"BEGIN DEFERRED"}
    # The judge is looked up in a read transaction; the sheet is written in a write one.
    assert writes == ["BEGIN DEFERRED", "BEGIN IMMEDIATE"]


def test_pages_are_vietnamese_by_default_with_a_remembered_switch(client, factory):
    factory.organiser(admin=True)
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in home
    assert "Ngày hội Lao động sáng tạo" in home
    assert 'href="/lang/en?next=/"' in home
    switched = client.get("/lang/en?next=/", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en">' in switched
    assert "Creative Labour Day" in switched
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_html_errors_are_pages_in_the_users_language(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "text/html" in response.content_type
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_the_api_speaks_english_to_an_english_session(client):
    client.get("/lang/en")
    response = client.get("/api/v1/events/khong-co/standings")
    assert response.get_json()["message"] == "Event not found."
