"""Importing an event's jury from a file."""

import pytest
from sqlalchemy import func, select

from core import db
from core.models import AuditLog, EventRole
from scoring.imports import COLUMNS
from scoring.models import Judge, JuryRole, Recusal
from tests.imports import cells, confirm, upload, xlsx

HEADER = [column.label for column in COLUMNS]


@pytest.fixture
def jury(app, factory, contest, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    client = organiser_client(contest.event, EventRole.MANAGER)
    with factory.writing() as session:
        from core.models import Unit

        code = session.get(Unit, contest.unit_id).code
    return client, f"/manage/{contest.slug}/import/judges", code


def judges(app, contest):
    with app.app_context(), db.unit_of_work() as session:
        found = session.scalars(select(Judge).where(Judge.event_id == contest.event.id)).all()
        return {j.code: (j.name, j.role, j.is_chair, j.unit_id) for j in found}


def test_judges_are_added_recused_from_their_own_unit_and_not_added_twice(app, contest, jury):
    client, path, unit = jury
    rows = [
        HEADER,
        ["GK01", "Lê Minh Tuấn", "Chuyên gia kỹ thuật", unit, "x"],
        ["gk02", "Đỗ Thị Mai Phương", "dai dien cong doan", "", ""],
    ]
    url, page = upload(app, client, path, xlsx(rows))
    assert "Mục mới</dt><dd>2<" in page
    url, page = confirm(app, client, url)
    assert 'data-testid="import-next"' in page
    found = judges(app, contest)
    assert found["GK01"][:3] == ("Lê Minh Tuấn", JuryRole.EXPERT, True)
    assert found["GK02"][:3] == ("Đỗ Thị Mai Phương", JuryRole.UNION, False)
    with app.app_context(), db.unit_of_work() as session:
        recused = session.scalar(select(func.count()).select_from(Recusal))
        audits = session.scalar(select(func.count()).select_from(AuditLog))
    assert recused == len(contest.entries)  # GK01 does not score their own unit's entries
    url, page = upload(app, client, path, xlsx(rows))
    assert "Mục không đổi</dt><dd>2<" in page
    confirm(app, client, url)
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)) == audits
    assert judges(app, contest) == found


def test_two_chairs_an_unknown_role_and_a_code_twice_are_problems(app, contest, jury):
    client, path, _unit = jury
    rows = [
        HEADER,
        ["GK01", "Lê Minh Tuấn", "Chuyên gia kỹ thuật", "", "x"],
        ["GK02", "Đỗ Thị Mai Phương", "Thư ký", "", ""],
        ["GK01", "Ngô Quang Vinh", "Cán bộ quản lý", "", ""],
        ["GK04", "Bùi Đức Thắng", "Cán bộ quản lý", "", "có"],
    ]
    _url, page = upload(app, client, path, xlsx(rows))
    problems = [(int(row), column) for row, column, *_ in cells(page, "import-problems")]
    assert problems == [(3, "Vai trò"), (4, "Mã giám khảo"), (5, "Chủ tịch Hội đồng")]
    assert judges(app, contest) == {}
