"""The administrators' pages outside events: their links and the EVN unit tree (core/admin.py)."""

import re

import pytest
from sqlalchemy import select

from core import db
from core.admin import UnitInput, create_unit, delete_unit, update_unit
from core.errors import Conflict, Invalid
from core.models import AuditLog, EventRole, Unit


@pytest.fixture(autouse=True)
def no_csrf(app):
    """The forms carry their token (the browser test sends them); here the rules are tested."""
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def admin(organiser_client):
    return organiser_client(admin=True)


@pytest.fixture
def actor(factory):
    """The administrator who makes the changes the services are called with."""
    return factory.organiser(admin=True)


def text(response):
    return response.get_data(as_text=True)


def stored(app, code):
    with app.app_context(), db.unit_of_work() as session:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        session.expunge_all()
        return unit


def audit(app, action):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == action))
        return [(row.subject, row.before, row.after) for row in rows]


@pytest.fixture
def evncpc(factory):
    """EVNCPC under EVN, with two companies under it."""
    evn = factory.unit(code="EVN", name="Tập đoàn Điện lực Việt Nam", staff_count=95000)
    cpc = factory.unit(code="EVNCPC", name="Tổng công ty Điện lực miền Trung", parent_id=evn.id)
    factory.unit(code="PCQNAM", name="Công ty Điện lực Quảng Nam", parent_id=cpc.id)
    factory.unit(code="PCDANANG", name="Công ty TNHH MTV Điện lực Đà Nẵng", parent_id=cpc.id)
    return cpc


def test_the_tree_shows_parents_before_children_in_vietnamese_order(admin, evncpc, factory):
    factory.unit(code="EVNNPC", name="Tổng công ty Điện lực miền Bắc")
    factory.unit(code="PCHUE", name="Công ty Điện lực Thừa Thiên Huế", parent_id=evncpc.id)
    page = text(admin.get("/manage/units"))
    names = re.findall(r'data-testid="unit-[^"]+">\s*<span><strong>([^<]+)', page)
    assert names == [
        "Tập đoàn Điện lực Việt Nam",
        "Tổng công ty Điện lực miền Trung",
        "Công ty Điện lực Quảng Nam",
        "Công ty Điện lực Thừa Thiên Huế",
        "Công ty TNHH MTV Điện lực Đà Nẵng",
        "Tổng công ty Điện lực miền Bắc",
    ]
    assert "95.000" in page  # the headcount, in Vietnamese numbers


def test_only_administrators_open_the_unit_pages(app, organiser_client, factory, evncpc):
    event = factory.event()
    owner = organiser_client(event, EventRole.OWNER)
    for path in ("/manage/units", "/manage/units/new", f"/manage/units/{evncpc.id}"):
        assert owner.get(path).status_code == 403
    assert owner.post(f"/manage/units/{evncpc.id}/delete").status_code == 403
    assert stored(app, "EVNCPC") is not None
    assert app.test_client().get("/manage/units").status_code == 302


def test_the_title_bar_links_administrators_to_their_pages(admin, organiser_client, factory):
    page = text(admin.get("/manage/"))
    assert 'href="/manage/units"' in page
    assert 'href="/manage/themes"' in page
    organiser = organiser_client(factory.event(), EventRole.OWNER)
    assert 'href="/manage/units"' not in text(organiser.get("/manage/"))


def test_an_administrator_adds_a_unit_under_a_parent(app, admin, evncpc):
    form = {"code": " pc-kontum ", "name": "Công ty Điện lực Kon Tum", "parent": str(evncpc.id)}
    response = admin.post("/manage/units/new", data=form | {"staff_count": "812"})
    assert response.status_code == 302
    unit = stored(app, "PC-KONTUM")
    assert (unit.name, unit.parent_id, unit.staff_count) == (form["name"], evncpc.id, 812)
    [(subject, before, after)] = audit(app, "unit.created")
    assert subject == f"unit:{unit.id}" and before is None
    assert after == {
        "code": "PC-KONTUM",
        "name": form["name"],
        "parent": evncpc.id,
        "staff_count": 812,
    }
    assert "Đã thêm đơn vị “Công ty Điện lực Kon Tum”." in text(admin.get("/manage/units"))


def test_the_new_unit_form_can_start_under_a_parent(admin, evncpc):
    page = text(admin.get(f"/manage/units/new?parent={evncpc.id}"))
    assert f'<option value="{evncpc.id}" selected>' in page


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"code": "", "name": "Điện lực Hội An"}, "code", "Mã đơn vị gồm chữ cái không dấu"),
        ({"code": "ĐLHA", "name": "Điện lực Hội An"}, "code", "Mã đơn vị gồm chữ cái không dấu"),
        ({"code": "DLHA", "name": "  "}, "name", "Hãy nhập tên đơn vị."),
        ({"code": "DLHA", "name": "x", "staff_count": "-3"}, "staff_count", "số nguyên từ 0"),
        ({"code": "DLHA", "name": "x", "staff_count": "12,5"}, "staff_count", "số nguyên từ 0"),
        ({"code": "DLHA", "name": "x", "parent": "999999"}, "parent", "không có trong danh sách"),
        ({"code": "pcqnam", "name": "x"}, "code", "Mã PCQNAM đã là mã của “Công ty Điện lực"),
    ],
)
def test_a_wrong_unit_form_says_what_is_wrong_beside_the_field(
    app, admin, evncpc, form, field, message
):
    response = admin.post("/manage/units/new", data=form)
    assert response.status_code == 422
    page = text(response)
    assert re.search(f'id="{field.replace("_count", "")}-error">[^<]*{re.escape(message)}', page)
    assert audit(app, "unit.created") == []


def test_an_empty_headcount_is_unknown_not_zero(app, admin, evncpc):
    unit = stored(app, "PCQNAM")
    form = {"code": "PCQNAM", "name": "Công ty Điện lực Quảng Nam", "parent": str(evncpc.id)}
    assert (
        admin.post(f"/manage/units/{unit.id}", data=form | {"staff_count": "0"}).status_code == 302
    )
    assert stored(app, "PCQNAM").staff_count == 0
    assert (
        admin.post(f"/manage/units/{unit.id}", data=form | {"staff_count": ""}).status_code == 302
    )
    assert stored(app, "PCQNAM").staff_count is None
    assert [(b["staff_count"], a["staff_count"]) for _s, b, a in audit(app, "unit.updated")] == [
        (None, 0),
        (0, None),
    ]


@pytest.mark.parametrize("typed", ["12500", "12.500", "12 500"])
def test_a_headcount_may_be_written_as_the_list_of_units_writes_it(app, admin, evncpc, typed):
    unit = stored(app, "PCQNAM")
    form = {"code": "PCQNAM", "name": "Công ty Điện lực Quảng Nam", "staff_count": typed}
    assert admin.post(f"/manage/units/{unit.id}", data=form).status_code == 302
    assert stored(app, "PCQNAM").staff_count == 12500


def test_editing_a_unit_renames_and_moves_it(app, admin, evncpc, factory):
    npc = factory.unit(code="EVNNPC", name="Tổng công ty Điện lực miền Bắc")
    unit = stored(app, "PCQNAM")
    form = {"code": "PCQNAM", "name": "Công ty Điện lực Quảng Nam mới", "parent": str(npc.id)}
    assert admin.post(f"/manage/units/{unit.id}", data=form).status_code == 302
    moved = stored(app, "PCQNAM")
    assert (moved.name, moved.parent_id) == (form["name"], npc.id)


def test_a_unit_is_never_put_under_itself_nor_under_its_own_sub_units(app, admin, evncpc):
    evn = stored(app, "EVN")
    under = stored(app, "PCQNAM")
    page = text(admin.get(f"/manage/units/{evn.id}"))
    assert f'<option value="{under.id}"' not in page  # not even offered
    assert f'<option value="{evn.id}"' not in page
    for parent in (evn.id, under.id):
        form = {"code": "EVN", "name": "Tập đoàn Điện lực Việt Nam", "parent": str(parent)}
        response = admin.post(f"/manage/units/{evn.id}", data=form)
        assert response.status_code == 422
        assert "Không thể đặt một đơn vị dưới chính nó" in text(response)
    assert stored(app, "EVN").parent_id is None


def test_a_code_is_unique(app, evncpc, actor):
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        with pytest.raises(Invalid) as refused:
            create_unit(session, UnitInput("EVNCPC", "Trùng mã", None, None), actor)
        assert refused.value.details["field"] == "code"


def test_a_unit_in_use_is_not_deleted_and_the_page_says_what_uses_it(app, admin, evncpc, factory):
    factory.event(unit_id=evncpc.id)
    factory.initiative(unit_id=evncpc.id)
    response = admin.post(f"/manage/units/{evncpc.id}/delete")
    assert response.status_code == 409
    page = text(response)
    assert "Không thể xóa “Tổng công ty Điện lực miền Trung”" in page
    for what in ("Đơn vị trực thuộc: 2", "Sự kiện: 1", "Sáng kiến: 1"):
        assert what in page
    assert stored(app, "EVNCPC") is not None
    assert audit(app, "unit.deleted") == []


def test_a_unit_that_judges_come_from_is_not_deleted(app, factory, contest, actor):
    factory.judge(contest.event, name="Ngô Quang Vinh", unit_id=contest.unit_id)
    with (
        app.test_request_context(),
        db.unit_of_work(write=True) as session,
        pytest.raises(Conflict) as refused,
    ):
        delete_unit(session, session.get(Unit, contest.unit_id), actor)
    assert "Sáng kiến: 3; Giám khảo: 1" in refused.value.message


def test_a_unit_nothing_refers_to_is_deleted_and_audited(app, admin, evncpc):
    unit = stored(app, "PCDANANG")
    response = admin.post(f"/manage/units/{unit.id}/delete", follow_redirects=True)
    assert "Đã xóa đơn vị “Công ty TNHH MTV Điện lực Đà Nẵng”." in text(response)
    assert stored(app, "PCDANANG") is None
    [(subject, before, after)] = audit(app, "unit.deleted")
    assert (subject, before["code"], after) == (f"unit:{unit.id}", "PCDANANG", None)


def test_an_unchanged_unit_leaves_no_audit_line(app, evncpc, actor):
    with app.app_context(), db.unit_of_work(write=True) as session:
        unit = session.scalar(select(Unit).where(Unit.code == "EVNCPC"))
        data = UnitInput(unit.code, unit.name, unit.parent_id, unit.staff_count)
        update_unit(session, unit, data, actor)
    assert audit(app, "unit.updated") == []
