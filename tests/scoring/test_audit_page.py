"""The audit page: managers only, newest first, filters, readable diffs, CSV and XLSX."""

import io

from openpyxl import load_workbook

from core import audit
from core.models import EventRole
from scoring.audit_log import changes


def log(factory, contest, action, before=None, after=None, reason=""):
    with factory.writing() as session:
        audit.record(
            session,
            "organiser:999",
            action,
            "round:1",
            event_id=contest.event.id,
            before=before,
            after=after,
            reason=reason,
        )


def test_changes_list_only_what_moved_score_by_score(app):
    with app.test_request_context():
        found = changes(
            {"status": "submitted", "scores": {"pitch": 7.5, "benefit": 20}},
            {"status": "submitted", "scores": {"pitch": 9, "benefit": 20}},
        )
        assert [(c.field, c.before, c.after) for c in found] == [("Điểm · pitch", "7,50", "9")]


def test_the_log_is_for_managers_filtered_and_exported(factory, contest, organiser_client):
    log(factory, contest, "round.locked", after={"status": "locked"})
    log(
        factory,
        contest,
        "round.reopened",
        {"status": "locked"},
        {"status": "open"},
        "Nhập nhầm điểm",
    )
    log(factory, contest, "event.status", {"status": "open"}, {"status": "scoring"})
    assert (
        organiser_client(contest.event, EventRole.VIEWER)
        .get(f"/manage/{contest.slug}/audit")
        .status_code
        == 403
    )
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(f"/manage/{contest.slug}/audit").get_data(as_text=True)
    assert (
        page.index("Đổi trạng thái sự kiện")
        < page.index("Mở lại vòng thi")
        < page.index("Khóa và niêm phong")
    )
    filtered = manager.get(f"/manage/{contest.slug}/audit?kind=round").get_data(as_text=True)
    assert "Đổi trạng thái sự kiện" not in filtered and "Nhập nhầm điểm" in filtered
    csv = manager.get(f"/manage/{contest.slug}/audit.csv?kind=round").data.decode("utf-8-sig")
    assert "Nhập nhầm điểm" in csv and "Đổi trạng thái" not in csv
    book = load_workbook(io.BytesIO(manager.get(f"/manage/{contest.slug}/audit.xlsx").data))
    assert book.active.max_row == 4  # the header and three rows
