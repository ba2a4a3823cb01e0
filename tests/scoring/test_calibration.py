"""Calibration rounds: judges see how lenient and spread they are; the sheets never count."""

from sqlalchemy import select

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
