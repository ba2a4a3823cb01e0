"""The unit of work: one commit per request, writes that hold SQLite's lock only while they
write, side effects after the commit."""

import shutil
import sqlite3
import threading

import pytest
from flask import jsonify
from sqlalchemy import select

import core.auth
from core import db
from core.models import Unit
from tests.conftest import make_app
from tests.factories import PASSWORD, Factory


def test_a_writer_is_not_blocked_while_the_login_hashes_a_password(app, factory, monkeypatch):
    organiser = factory.organiser(admin=True)
    app.config["WTF_CSRF_ENABLED"] = False
    hashing, written = threading.Event(), threading.Event()
    real = core.auth.check_password_hash

    def slow(stored, password):
        hashing.set()
        assert written.wait(30)
        return real(stored, password)

    monkeypatch.setattr(core.auth, "check_password_hash", slow)
    answer = {}
    login = threading.Thread(
        target=lambda: answer.update(
            status=app.test_client()
            .post("/login", data={"email": organiser.email, "password": PASSWORD})
            .status_code
        )
    )
    login.start()
    assert hashing.wait(30)
    # While the password is being checked, another writer takes the write lock at once.
    other = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"), timeout=0)
    try:
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO unit (code, name) VALUES ('PCHUE', 'Công ty Điện lực Huế')")
        other.execute("COMMIT")
    finally:
        other.close()
        written.set()
        login.join(30)
    assert answer["status"] == 302


def test_side_effects_run_after_the_commit_and_never_after_a_rollback(app):
    seen = []
    with app.app_context():
        with db.unit_of_work(write=True) as session:
            session.add(Unit(code="PCQNAM", name="Công ty Điện lực Quảng Nam"))
            db.after_commit(session, lambda: seen.append("committed"))
            session.flush()
            assert seen == []
        assert seen == ["committed"]
        with pytest.raises(ValueError), db.unit_of_work(write=True) as session:
            db.after_commit(session, lambda: seen.append("rolled back"))
            raise ValueError
    assert seen == ["committed"]


def test_write_rereads_what_it_read_before(app, factory):
    """A row read before write() is read again inside the write transaction."""
    unit = factory.unit(name="Điện lực Hải Châu")
    with app.test_request_context(method="POST"):
        before = db.session().get(Unit, unit.id)
        assert before.name == "Điện lực Hải Châu"
        with db.unit_of_work(write=True) as other:
            other.get(Unit, unit.id).name = "Điện lực Thanh Khê"
        session = db.write()
        assert session.get(Unit, unit.id).name == "Điện lực Thanh Khê"
        db.rollback()


def test_a_lost_race_at_commit_is_a_conflict_not_a_server_error(tmp_path, template_db):
    path = tmp_path / "own.db"
    shutil.copyfile(template_db, path)
    app = make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=False)  # its own: it adds a route
    taken = Factory(app).unit().code

    @app.post("/api/v1/test-units")
    @core.auth.public
    def add_unit():
        db.write().add(Unit(code=taken, name="Trùng mã"))
        return jsonify(ok=True)

    response = app.test_client().post("/api/v1/test-units")
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(Unit.name).where(Unit.code == taken)) != "Trùng mã"
    app.extensions[db.EXTENSION].dispose()


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    """It holds password hashes and confidential initiatives."""
    path = tmp_path / "instance" / "sangtao.db"
    db.upgrade(f"sqlite:///{path}")
    app = make_app(f"sqlite:///{path}")
    Factory(app).unit()
    app.extensions[db.EXTENSION].dispose()
    for made in (path, path.with_name("sangtao.db-wal"), path.parent):
        if made.exists():
            assert made.stat().st_mode & 0o077 == 0, made
