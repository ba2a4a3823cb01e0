"""Calibration rounds: judges see how lenient and spread they are; the sheets never count."""

from sqlalchemy import select

from core import db
from core.models import EventRole, Round, RoundKind
from initiatives.models import Initiative
from scoring.calibration import CalibrationSheet, feedback
from scoring.models import Entry


def calibration_entry(factory, contest):
    with factory.writing() as session:
        round_ = Round(
            event_id=contest.event.id,
            name="Vòng hiệu chuẩn",
            position=0,
            kind=RoundKind.CALIBRATION,
        )
        entry = Entry(round=round_, initiative=Initiative(title="Bài mẫu hiệu chuẩn"))
        session.add(entry)
        session.flush()
        return entry.id


def test_feedback_is_leniency_against_the_panel_mean_and_spread_against_the_panel():
    sheets = [
        CalibrationSheet(1, 80.0, (100.0, 60.0)),
        CalibrationSheet(2, 60.0, (60.0, 60.0)),
    ]
    found = feedback(sheets)
    assert found[1].leniency == 10.0 and found[2].leniency == -10.0
    assert found[1].spread == 20.0 and found[2].spread == 0.0
    assert found[1].panel_spread == 10.0 and found[1].panel_mean == 70.0
    assert feedback([]) == {}


def test_calibration_never_counts_in_standings_results_or_progress(
    client, factory, contest, organiser_client
):
    sample = calibration_entry(factory, contest)
    judges = [factory.judge(contest.event, name=f"GK {n}") for n in range(2)]
    for made, total in zip(judges, (90.0, 50.0), strict=True):
        factory.sheet(made, sample, total)
    standings = client.get(f"/api/v1/events/{contest.slug}/standings").json
    assert sample not in {row["entry_id"] for row in standings["entries"]}
    manager = organiser_client(contest.event, EventRole.MANAGER)
    results = manager.get(f"/api/v1/events/{contest.slug}/results").get_data(as_text=True)
    assert "Bài mẫu hiệu chuẩn" not in results
    assert "Bài mẫu hiệu chuẩn" not in manager.get(f"/manage/{contest.slug}/results").get_data(
        as_text=True
    )
    console = manager.get(f"/manage/{contest.slug}/chair").get_data(as_text=True)
    assert "Vòng hiệu chuẩn" in console and "+20,0" in console and "-20,0" in console
    with factory.writing() as session:
        assert (
            session.scalar(
                select(Round.kind).where(Round.id == session.get(Entry, sample).round_id)
            )
            == RoundKind.CALIBRATION
        )


def test_each_judge_sees_their_own_calibration_privately(factory, contest, judge_client):
    sample = calibration_entry(factory, contest)
    lenient, strict = (
        factory.judge(contest.event, name=name) for name in ("Ngô Quang Vinh", "Bùi Đức Thắng")
    )
    for made, total in ((lenient, 90.0), (strict, 50.0)):
        factory.sheet(made, sample, total)
    tablet = judge_client(lenient)
    assert "Kết quả hiệu chuẩn của tôi" in tablet.get("/judge").get_data(as_text=True)
    page = tablet.get("/judge/calibration").get_data(as_text=True)
    assert "rộng tay hơn Hội đồng 20,0 điểm" in page
    assert "Bùi Đức Thắng" not in page and "50,0" not in page
    assert "chặt tay hơn Hội đồng 20,0 điểm" in judge_client(strict).get(
        "/judge/calibration"
    ).get_data(as_text=True)
    fresh = factory.judge(contest.event, name="Dương Thị Hồng Nhung")
    assert 'data-testid="calibration-none"' in judge_client(fresh).get(
        "/judge/calibration"
    ).get_data(as_text=True)
    progress = judge_client(fresh).get("/judge").get_data(as_text=True)
    assert f'data-testid="progress">0/{len(contest.entries)}<' in progress


def test_a_manager_adds_a_calibration_round(app, contest, organiser_client):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    app.config["WTF_CSRF_ENABLED"] = False
    answer = manager.post(
        f"/manage/{contest.slug}/rounds", data={"name": "Vòng hiệu chuẩn", "kind": "calibration"}
    )
    assert answer.status_code == 302
    page = manager.get(f"/manage/{contest.slug}/rounds").get_data(as_text=True)
    assert 'class="badge">Vòng hiệu chuẩn<' in page
    with app.app_context(), db.unit_of_work() as session:
        kinds = dict(session.execute(select(Round.name, Round.kind)).tuples().all())
    assert kinds["Vòng hiệu chuẩn"] == RoundKind.CALIBRATION
