import io
import json
import shutil
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import backup, db
from core.errors import Invalid
from core.models import AuditLog, Base, Event, EventMember, EventRole, Job, Organiser, Unit
from display.models import Ceremony, RunSheetStep, Screen
from initiatives.models import Attachment, AttachmentKind, Initiative, attachments_folder
from scoring.models import Judge, ScoreSheet
from tests.conftest import make_app, settle
from tests.core.test_jobs import finished
from tests.initiatives.test_rollup import big_file, peak_memory

# Scores of the two judges of the demo who are not recused from its first entries.
SHEETS = (
    {"novelty": 18, "effectiveness": 22, "benefit": 20, "replicability": 15, "pitch": 8},
    {"novelty": 15, "effectiveness": 19, "benefit": 24, "replicability": 12, "pitch": 9},
)


def test_every_model_has_a_decision_about_backups(app):
    models = {mapper.class_ for mapper in Base.registry.mappers}
    undecided = {model for model in models if backup.decision(model) is None}
    assert undecided == set(), "a new model: say in its package whether a backup carries it"
    assert isinstance(backup.decision(Job), str)


@pytest.fixture
def fresh_app(template_db, tmp_path):
    """Another instance, on a database of its own: where a backup is restored after a disaster."""
    path = tmp_path / "fresh.db"
    shutil.copyfile(template_db, path)
    application = make_app(f"sqlite:///{path}")
    yield application
    settle(application)
    application.extensions[db.EXTENSION].dispose()


def submit_sheets(client, demo):
    """Each demo judge submits a sheet for every entry they may score; returns how many."""
    sent = 0
    for number, (_judge, token) in enumerate(demo.judge_tokens):
        for index, entry in enumerate(demo.entries[:4]):
            answer = client.post(
                "/api/v1/scoresheets",
                json={
                    "id": f"b7f3c2a0-0000-4000-8000-{number:06d}{index:06d}",
                    "entry": entry.id,
                    "scores": SHEETS[(number + index) % 2],
                    "comment": "Giải pháp có tính thực tiễn cao",
                    "submit": True,
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code in (201, 403), answer.get_json()
            sent += answer.status_code == 201
    return sent


def standings(client, slug):
    found = client.get(f"/api/v1/events/{slug}/standings").get_json()
    return {key: value for key, value in found.items() if key not in ("version", "generated_at")}


def downloaded(organiser_client, demo):
    """The backup file the event's owner downloads from its overview."""
    owner = organiser_client(demo.event, role=EventRole.OWNER)
    answer = owner.get(f"/manage/{demo.event.slug}/backup")
    assert answer.status_code == 200
    assert ".sangtao" in answer.headers["Content-Disposition"]
    return answer.get_data()


def restore_into(application, data, tmp_path, name="event.sangtao"):
    path = tmp_path / name
    path.write_bytes(data)
    with application.test_request_context():
        return backup.restore_file(path, "test")


def test_a_restored_event_has_identical_standings_and_its_judges_still_score(
    app, client, demo, organiser_client, fresh_app, tmp_path
):
    assert submit_sheets(client, demo) > 0
    before = standings(client, demo.event.slug)
    data = downloaded(organiser_client, demo)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert (manifest["format"], manifest["version"], manifest["event"]) == (
        "sangtao-event",
        1,
        demo.event.slug,
    )
    assert manifest["counts"]["score_sheet"] > 0

    restored = restore_into(fresh_app, data, tmp_path)
    assert restored.slug == demo.event.slug  # the address is free on the fresh instance
    fresh = fresh_app.test_client()
    assert standings(fresh, restored.slug) == before
    with fresh_app.app_context(), db.unit_of_work() as session:
        event = session.get_one(Event, restored.event_id)
        assert event.live_version > demo.event.live_version
        actions = set(session.scalars(select(AuditLog.action)))
        assert "event.restored" in actions

    # The cards in the judges' hands open the restored event: a judge scores an entry not yet
    # scored, from another unit than theirs.
    judge, token = demo.judge_tokens[0]
    entry = next(e for e in demo.entries[4:] if e.initiative.unit_id != judge.unit_id)
    answer = fresh.post(
        "/api/v1/scoresheets",
        json={
            "id": "c0ffee00-0000-4000-8000-000000000001",
            "entry": entry.id,
            "scores": SHEETS[0],
            "submit": True,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.get_json()


def test_restoring_twice_makes_two_events_and_renews_what_must_be_unique(
    app, demo, organiser_client, fresh_app, tmp_path
):
    data = downloaded(organiser_client, demo)
    first = restore_into(fresh_app, data, tmp_path)
    second = restore_into(fresh_app, data, tmp_path)
    assert second.slug == f"{first.slug}-2" and second.event_id != first.event_id
    assert any("in lại thẻ" in note for note in second.notes)
    assert any(first.slug in note and second.slug in note for note in second.notes)
    with fresh_app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 2
        cards = session.scalars(select(Judge.token_hash)).all()
        assert len(cards) == len(set(cards)) == 2 * len(demo.judge_tokens)
        # The units are matched by their code, not made twice.
        codes = session.scalars(select(Unit.code)).all()
        assert len(codes) == len(set(codes))


def test_a_run_sheet_in_use_comes_back_with_its_current_step_and_its_screens(
    app, demo, organiser_client, fresh_app, tmp_path
):
    with app.app_context(), db.unit_of_work(write=True) as session:
        screen = Screen(event_id=demo.event.id, key="hoi-truong", name="Hội trường")
        session.add(screen)
        session.flush()
        step = RunSheetStep(
            event_id=demo.event.id, position=1, title="Khai mạc", screens={str(screen.id): "clock"}
        )
        session.add(step)
        session.flush()
        session.add(Ceremony(event_id=demo.event.id, step_id=step.id, rehearsal=True))
    data = downloaded(organiser_client, demo)
    for _ in range(2):  # the second time beside the first, with keys of its own
        restored = restore_into(fresh_app, data, tmp_path)
        with fresh_app.app_context(), db.unit_of_work() as session:
            ceremony = session.get_one(Ceremony, restored.event_id)
            step = session.get_one(RunSheetStep, ceremony.step_id)
            screen = session.scalars(
                select(Screen).where(
                    Screen.event_id == restored.event_id, Screen.key == "hoi-truong"
                )
            ).one()
            assert (step.event_id, step.title, ceremony.rehearsal) == (
                restored.event_id,
                "Khai mạc",
                True,
            )
            assert step.screens == {str(screen.id): "clock"}


def test_organisers_are_matched_by_email_and_missing_ones_are_named(
    app, demo, organiser_client, fresh_app, tmp_path
):
    data = downloaded(organiser_client, demo)
    with fresh_app.app_context(), db.unit_of_work(write=True) as session:
        session.add(Organiser(email=demo.organiser_email, name="Ban Tổ chức", password_hash="x"))
    restored = restore_into(fresh_app, data, tmp_path)
    with fresh_app.app_context(), db.unit_of_work() as session:
        members = session.scalars(
            select(Organiser.email)
            .join(EventMember, EventMember.organiser_id == Organiser.id)
            .where(EventMember.event_id == restored.event_id)
        ).all()
    assert members == [demo.organiser_email]
    # The owner who downloaded it has no account on the fresh instance: named in a note.
    assert any("@" in note and "Ban Tổ chức" in note for note in restored.notes)


def test_attachments_travel_with_the_initiatives(app, factory, organiser_client, tmp_path):
    contest = factory.contest()
    with factory.writing() as session:
        initiative = session.scalar(select(Initiative).limit(1))
        session.add(
            Attachment(
                initiative_id=initiative.id, kind=AttachmentKind.PHOTO, path="anh/mo-hinh.jpg"
            )
        )
        with app.app_context():
            folder = attachments_folder()
    (folder / "anh").mkdir(parents=True, exist_ok=True)
    (folder / "anh" / "mo-hinh.jpg").write_bytes(b"\xff\xd8 anh mo hinh")
    data = organiser_client(admin=True).get(f"/manage/{contest.slug}/backup").get_data()
    assert "attachments/anh/mo-hinh.jpg" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    restored = restore_into(app, data, tmp_path)  # the same instance: the path is taken
    with app.app_context(), db.unit_of_work() as session:
        paths = session.scalars(select(Attachment.path).order_by(Attachment.id)).all()
    assert len(paths) == 2 and paths[1] != paths[0]
    assert (folder / paths[1]).read_bytes() == b"\xff\xd8 anh mo hinh"
    assert restored.slug != contest.slug


def damaged(data):
    """The same backup with one byte of its data changed, its manifest left as it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == "data.json":
                content = content.replace(b"Ng", b"NG", 1)
            archive.writestr(name, content)
    return out.getvalue()


def newer(data):
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == "manifest.json":
                manifest = json.loads(content)
                manifest["version"] = backup.VERSION + 1
                content = json.dumps(manifest).encode()
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (damaged, "bị hỏng"),
        (newer, "mới hơn"),
        (lambda data: data[: len(data) // 2], "bị hỏng"),
        (lambda _data: b"Danh sach giam khao\n", "không phải tệp sao lưu"),
        (lambda _data: b"SQLite format 3\x00" + bytes(100), "cả cơ sở dữ liệu"),
    ],
    ids=["checksum", "newer-format", "truncated", "not-a-zip", "database-file"],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_writes_nothing(
    app, demo, organiser_client, spoil, said
):
    data = downloaded(organiser_client, demo)
    admin = organiser_client(admin=True)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context(), db.unit_of_work() as session:
        events = session.scalar(select(func.count()).select_from(Event))
    answer = admin.post(
        "/manage/restore",
        data={"file": (io.BytesIO(spoil(data)), "su-kien.sangtao")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert said in answer.get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == events
        assert session.scalar(select(func.count()).select_from(Job)) == 0
        folder = Path(app.instance_path) / "restores"
    assert not any(folder.glob("*")) if folder.exists() else True


def test_a_file_of_another_schema_is_refused(app, demo, organiser_client, tmp_path):
    data = downloaded(organiser_client, demo)
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    manifest["alembic_revision"] = "0005"
    path = tmp_path / "old.sangtao"
    with zipfile.ZipFile(path, "w") as archive:
        for name in source.namelist():
            if name != "manifest.json":
                archive.writestr(name, source.read(name))
        archive.writestr("manifest.json", json.dumps(manifest))
    with app.test_request_context(), pytest.raises(Invalid, match="cấu trúc dữ liệu 0005"):
        backup.restore_file(path, "test")


def test_the_administrator_restores_from_the_browser_through_a_job(app, demo, organiser_client):
    data = downloaded(organiser_client, demo)
    admin = organiser_client(admin=True)
    app.config["WTF_CSRF_ENABLED"] = False
    assert "Khôi phục từ tệp sao lưu" in admin.get("/manage/").get_data(as_text=True)
    answer = admin.post(
        "/manage/restore",
        data={"file": (io.BytesIO(data), "su-kien.sangtao")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    job_id = answer.headers["Location"].rsplit("/", 1)[1]
    job = finished(app, job_id)
    assert job.error == ""
    assert job.result["url"] == f"/manage/{demo.event.slug}-2/"
    page = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Mở sự kiện đã khôi phục" in page
    assert not any((Path(app.instance_path) / "restores").glob("*"))


def test_only_owners_and_administrators_download_a_backup(app, demo, organiser_client):
    manager = organiser_client(demo.event, role=EventRole.MANAGER)
    assert manager.get(f"/manage/{demo.event.slug}/backup").status_code == 403
    owner_page = organiser_client(demo.event, role=EventRole.OWNER).get(
        f"/manage/{demo.event.slug}/"
    )
    assert "Tải tệp sao lưu" in owner_page.get_data(as_text=True)


# --- sangtao backup -----------------------------------------------------------------------------


def test_sangtao_backup_copies_a_consistent_database_while_a_write_is_open(
    app, runner, factory, tmp_path
):
    contest = factory.contest()
    url = app.config["DATABASE_URL"]
    holding, release = threading.Event(), threading.Event()

    def writer():
        # Another process's write transaction, open (uncommitted) while the copy is made.
        connection = sqlite3.connect(backup.sqlite_file(url), timeout=10)
        connection.isolation_level = None
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE event SET name = 'nửa chừng' WHERE id = ?", (contest.event.id,))
        connection.execute("DELETE FROM criterion WHERE event_id = ?", (contest.event.id,))
        holding.set()
        release.wait(10)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(10)
    try:
        target = tmp_path / "copy.db"
        result = runner.invoke(args=["backup", str(target)])
    finally:
        release.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert str(target) in result.output and "integrity_check ok" in result.output
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        name = copy.execute("SELECT name FROM event WHERE id = ?", (contest.event.id,)).fetchone()
        criteria = copy.execute(
            "SELECT count(*) FROM criterion WHERE event_id = ?", (contest.event.id,)
        ).fetchone()[0]
    finally:
        copy.close()
    assert name[0] == contest.event.name  # the last committed state, not the open write
    assert criteria == len(contest.criteria)


def test_sangtao_backup_names_its_copy_by_the_time_under_instance(app, runner, factory):
    factory.event()
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.split(" (")[0])
    assert path.parent == Path(app.instance_path) / "backups"
    assert path.name.startswith("sangtao-") and path.suffix == ".db"
    path.unlink()


def test_sangtao_backup_on_postgresql_points_to_pg_dump(app, runner):
    app.config["DATABASE_URL"] = "postgresql+psycopg://sangtao@127.0.0.1/sangtao"
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 2
    assert "pg_dump" in result.output


def test_the_cli_exports_and_restores_an_event(app, runner, demo, fresh_app, tmp_path):
    path = tmp_path / "demo.sangtao"
    exported = runner.invoke(args=["export-event", demo.event.slug, str(path)])
    assert exported.exit_code == 0, exported.output
    restored = fresh_app.test_cli_runner().invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert f"Đã khôi phục sự kiện “{demo.event.name}”: {demo.event.slug}" in restored.output
    path.write_bytes(b"not a backup")
    refused = fresh_app.test_cli_runner().invoke(args=["restore", str(path)])
    assert refused.exit_code == 1 and "không phải tệp sao lưu" in refused.output


@pytest.mark.postgres
def test_an_event_exported_from_postgresql_restores_into_sqlite(postgres_app, fresh_app, tmp_path):
    from core.demo import seed

    with postgres_app.test_request_context():
        with db.unit_of_work(write=True) as session:
            seeded = seed(session)
            session.flush()
            slug = seeded.event.slug
        client = postgres_app.test_client()
        assert submit_sheets(client, seeded) > 0
        before = standings(client, slug)
        with db.unit_of_work() as session:
            event = session.scalar(select(Event).where(Event.slug == slug))
            buffer = io.BytesIO()
            backup.write_event(session, event, buffer)
    restored = restore_into(fresh_app, buffer.getvalue(), tmp_path)
    after = standings(fresh_app.test_client(), restored.slug)
    before["event"] = after["event"]
    assert after == before
    with fresh_app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ScoreSheet)) > 0


def test_only_an_administrators_session_sends_a_large_restore_streamed_to_disk(
    app, organiser_client, tmp_path
):
    """Up to BACKUP_UPLOAD_LIMIT for an administrator only, never held in memory whole; anyone
    else is refused at the usual limit before the body is read (review finding 9)."""
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["MAX_CONTENT_LENGTH"] = 1024
    for visitor in (app.test_client(), organiser_client()):
        answer = visitor.post(
            "/manage/restore",
            data={"file": (io.BytesIO(b"PK" + b"x" * 4096), "su-kien.sangtao")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 413
    big = big_file(tmp_path)
    admin = organiser_client(admin=True)
    with big.open("rb") as sent:
        answer, peak = peak_memory(
            lambda: admin.post(
                "/manage/restore",
                data={"file": (sent, "su-kien.sangtao")},
                content_type="multipart/form-data",
            )
        )
    assert answer.status_code == 422  # not a backup: streamed to disk, then refused
    assert peak < 8 * 1024 * 1024, peak
