import json

from gevent import monkey
from sqlalchemy import func, select

import core.server
from core import db
from core.models import EventMember, EventRole, Organiser
from initiatives.models import Dossier, DossierComment, DossierState, SupportMember
from scoring.models import Criterion, Entry, Judge, JuryRole, Recusal


def test_seed_demo_json_follows_the_contract(app, runner):
    result = runner.invoke(args=["seed-demo", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"event", "organiser", "judges", "entries", "criteria", "display_url"}
    assert set(data["organiser"]) == {"email", "password"}
    assert len(data["judges"]) >= 5
    assert {"union", "professional", "expert", "manager"} <= {j["role"] for j in data["judges"]}
    for judge in data["judges"]:
        assert judge["login_url"].endswith(f"/j/{judge['token']}")
        assert "localhost" not in judge["login_url"] and "127.0.0.1" not in judge["login_url"]
    assert len(data["entries"]) >= 8
    assert all(isinstance(e["id"], int) and e["title"] for e in data["entries"])
    assert [c["key"] for c in data["criteria"]] == [
        "novelty",
        "effectiveness",
        "benefit",
        "replicability",
        "pitch",
    ]
    assert sum(c["max"] for c in data["criteria"]) == 100
    # The demo's big screen, driven from the control page (Màn hình lớn).
    assert data["display_url"].endswith(f"/display/{data['event']}/hoi-truong-chinh")


def test_the_demo_is_realistic_and_recuses_judges_of_the_same_unit(app, runner):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    with app.app_context(), db.unit_of_work() as session:
        units = {entry.initiative.unit_id for entry in session.scalars(select(Entry))}
        assert len(units) >= 8
        assert session.scalar(select(func.count()).select_from(Criterion)) == 5
        assert {j.role for j in session.scalars(select(Judge))} == set(JuryRole)
        for recusal in session.scalars(select(Recusal)):
            judge = session.get(Judge, recusal.judge_id)
            entry = session.get(Entry, recusal.entry_id)
            assert judge.unit_id == entry.initiative.unit_id
        assert session.scalar(select(func.count()).select_from(Recusal)) >= 1
    assert any("ệ" in e["title"] or "ự" in e["title"] for e in data["entries"])


def test_the_demo_has_dossiers_in_each_state_the_support_team_meets(app, runner):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    assert set(data["support"]) == {"email", "password"}
    assert data["support"]["password"] == data["organiser"]["password"]
    with app.app_context(), db.unit_of_work() as session:
        member = session.scalar(select(SupportMember))
        assert member.organiser.email == data["support"]["email"]
        assert member.unit.code == "EVNCPC"  # the demo event's unit
        found = {d.state: d for d in session.scalars(select(Dossier))}
        assert set(found) == {
            DossierState.SUBMITTED,
            DossierState.SUPPORTING,
            DossierState.RETURNED,
            DossierState.RECOGNISED,
        }
        assert all(d.initiative.unit.parent.code == "EVNCPC" for d in found.values())
        assert found[DossierState.SUPPORTING].assignee_id == member.organiser_id
        note = session.scalar(select(DossierComment))
        assert note.dossier_id == found[DossierState.SUPPORTING].id
        assert "tỷ lệ" in found[DossierState.RETURNED].returned_reason
        assert (
            sum(a.contribution_pct for a in found[DossierState.RETURNED].initiative.authors) < 100
        )
        recognised = found[DossierState.RECOGNISED].initiative
        assert recognised.decision_number and recognised.decision_date


def test_the_demo_dossier_link_opens_a_workers_dossiers(runner, client):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    path = data["dossier_link"].split("//", 1)[1].partition("/")[2]
    page = client.get("/" + path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Trả lại" in text and "Đã công nhận" in text
    assert "Anh Phát bổ sung đồng tác giả" in text
    assert "Phú Vang" not in text  # the team's private note stays with the team


def test_the_demo_support_member_signs_in_and_sees_the_units_dossiers(runner, client):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    login = client.get("/login").get_data(as_text=True)
    csrf = login.split('name="csrf_token" value="')[1].split('"')[0]
    credentials = data["support"] | {"csrf_token": csrf}
    assert client.post("/login", data=credentials).status_code == 302
    queue = client.get("/manage/dossiers").get_data(as_text=True)
    assert "Xe phun nước xử lý sự cố hạ thế trong hẻm nhỏ" in queue
    assert "Phiếu công tác và phiếu thao tác điện tử trên máy tính bảng" in queue


def test_seeding_twice_keeps_one_support_member(app, runner):
    for _ in range(2):
        assert runner.invoke(args=["seed-demo", "--json"]).exit_code == 0
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SupportMember)) == 1
        assert session.scalar(select(func.count()).select_from(Dossier)) == 8


def test_the_demo_organiser_owns_the_demo_event(app, runner):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    with app.app_context(), db.unit_of_work() as session:
        organiser = session.scalar(select(Organiser))
        member = session.scalar(select(EventMember))
    assert organiser.email == data["organiser"]["email"] and organiser.is_admin
    assert (member.organiser_id, member.role) == (organiser.id, EventRole.OWNER)
    assert data["organiser_url"].endswith(f"/manage/{data['event']}/")


def test_seeding_twice_adds_a_second_event(runner):
    first = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    second = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    assert first["event"] != second["event"]


def test_the_printed_organiser_can_log_in(runner, client):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    login = client.get("/login").get_data(as_text=True)
    csrf = login.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={
            "email": data["organiser"]["email"],
            "password": data["organiser"]["password"],
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert client.get(f"/manage/{data['event']}/exhibits").status_code == 200


def test_a_wrong_password_is_refused(runner, client):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    login = client.get("/login").get_data(as_text=True)
    csrf = login.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": data["organiser"]["email"], "password": "sai", "csrf_token": csrf}
    )
    assert response.status_code == 401
    assert "không đúng" in response.get_data(as_text=True)


def test_create_organiser_hashes_the_password(app, runner):
    result = runner.invoke(
        args=["create-organiser", "--email", "Lan.Anh@EVN.vn", "--name", "Hoàng Thị Lan Anh"],
        input="mat-khau-manh\nmat-khau-manh\n",
    )
    assert result.exit_code == 0, result.output
    from core.auth import check_password

    with app.app_context(), db.unit_of_work() as session:
        organiser = session.scalar(select(Organiser))
        assert check_password(organiser, "mat-khau-manh")
    assert organiser.email == "lan.anh@evn.vn"
    assert "mat-khau-manh" not in organiser.password_hash
    assert organiser.is_admin  # the first organiser of an install administers it


def test_later_organisers_are_administrators_only_when_asked(app, runner):
    for email, flags in (("a@evn.vn", []), ("b@evn.vn", []), ("c@evn.vn", ["--admin"])):
        result = runner.invoke(
            args=["create-organiser", "--email", email, "--name", "A", *flags],
            input="mat-khau-manh\nmat-khau-manh\n",
        )
        assert result.exit_code == 0, result.output
    with app.app_context(), db.unit_of_work() as session:
        admins = dict(session.execute(select(Organiser.email, Organiser.is_admin)).tuples().all())
    assert admins == {"a@evn.vn": True, "b@evn.vn": False, "c@evn.vn": True}


def test_create_organiser_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["create-organiser", "--email", "a@b.vn", "--name", "A"], input="ngan\nngan\n"
    )
    assert result.exit_code != 0
    assert "8 characters" in result.output


def test_serve_refuses_to_run_without_gevent(runner):
    result = runner.invoke(args=["serve"])
    assert result.exit_code != 0
    assert "gevent" in result.output


def test_serve_starts_the_server_with_no_connection_held(app, runner, monkeypatch):
    """What ``serve`` reads before starting (is anyone set up?) must not keep its connection,
    and the read transaction with it, for the server's life: SQLite could never checkpoint its
    WAL, which grew by megabytes a minute of votes."""
    held: list[int] = []
    monkeypatch.setitem(app.config, "SOCKETIO_ASYNC_MODE", "gevent")
    monkeypatch.setattr(monkey, "is_module_patched", lambda _module: True)
    monkeypatch.setattr(
        core.server, "run", lambda *_: held.append(db.database().engine.pool.checkedout())
    )
    result = runner.invoke(args=["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert held == [0]


def test_seed_demo_links_use_the_port_serve_will_use(runner, monkeypatch):
    import core.links

    monkeypatch.setattr(core.links, "lan_address", lambda: "192.168.1.20")
    data = json.loads(runner.invoke(args=["seed-demo", "--json", "--port", "9000"]).output)
    assert data["display_url"].startswith("http://192.168.1.20:9000/display/")


def test_login_goes_back_only_to_a_page_of_this_site(runner, client):
    data = json.loads(runner.invoke(args=["seed-demo", "--json"]).output)
    credentials = {"email": data["organiser"]["email"], "password": data["organiser"]["password"]}
    for target, landing in (
        ("/%09/evil.example", "/manage/"),
        ("/manage/x/exhibits", "/manage/x/exhibits"),
    ):
        login = client.get("/login").get_data(as_text=True)
        csrf = login.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post(f"/login?next={target}", data=credentials | {"csrf_token": csrf})
        assert response.headers["Location"] == landing
        client.post("/logout", data={"csrf_token": csrf})
