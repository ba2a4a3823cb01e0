"""The administrators' import of the unit tree."""

import pytest
from sqlalchemy import func, select

from core import db
from core.models import AuditLog, Unit
from tests.imports import cells, confirm, csv_file, upload, xlsx

HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Số CBCNV"]
PATH = "/manage/units/import"


@pytest.fixture
def admin(app, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    return organiser_client(admin=True)


def tree(app):
    with app.app_context(), db.unit_of_work() as session:
        units = session.scalars(select(Unit)).all()
        codes = {unit.id: unit.code for unit in units}
        return {u.code: (u.name, codes.get(u.parent_id), u.staff_count) for u in units}


def test_a_parent_may_come_later_in_the_file_and_reimporting_changes_nothing(app, admin):
    rows = [
        HEADER,
        ["PCQNAM", "Công ty Điện lực Quảng Nam", "EVNCPC", "1.250"],
        ["", "", "", ""],
        ["EVNCPC", "Tổng công ty Điện lực miền Trung", "", ""],
    ]
    url, page = upload(app, admin, PATH, csv_file(rows, bom=False), "don-vi.csv")
    assert "Bỏ qua các dòng trống: 3." in page
    confirm(app, admin, url)
    assert tree(app) == {
        "EVNCPC": ("Tổng công ty Điện lực miền Trung", None, None),
        "PCQNAM": ("Công ty Điện lực Quảng Nam", "EVNCPC", 1250),
    }
    with app.app_context(), db.unit_of_work() as session:
        audits = session.scalar(select(func.count()).select_from(AuditLog))
    url, page = upload(app, admin, PATH, xlsx(rows))
    assert "Mục không đổi</dt><dd>2<" in page
    confirm(app, admin, url)
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)) == audits


def test_a_cycle_is_refused(app, factory, admin):
    factory.unit(code="EVNCPC", name="Tổng công ty Điện lực miền Trung")
    rows = [HEADER, ["EVNCPC", "Tổng công ty Điện lực miền Trung", "PCQNAM", ""]]
    rows.append(["PCQNAM", "Công ty Điện lực Quảng Nam", "EVNCPC", ""])
    _url, page = upload(app, admin, PATH, xlsx(rows))
    problems = cells(page, "import-problems")
    assert [problem[1] for problem in problems] == ["Mã đơn vị cấp trên"] * 2
    assert tree(app) == {"EVNCPC": ("Tổng công ty Điện lực miền Trung", None, None)}


def test_the_unit_import_is_for_administrators(app, factory, organiser_client):
    event = factory.event()
    from core.models import EventRole

    owner = organiser_client(event, EventRole.OWNER)
    assert owner.get(PATH).status_code == 403
