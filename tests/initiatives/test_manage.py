"""The lists of themes and fields (initiatives/manage.py, initiatives/service.py)."""

import re

import pytest
from sqlalchemy import select

from core import db
from core.models import AuditLog, EventRole
from initiatives.models import Initiative, Term, TermKind

THEMES = [
    "Tiết kiệm điện",
    "Số hóa quy trình vận hành",
    "Nâng cao dịch vụ khách hàng",
    "Cải tiến kỹ thuật – công nghệ",
    "Tối ưu hóa chi phí sản xuất – kinh doanh",
]


@pytest.fixture(autouse=True)
def no_csrf(app):
    """The forms carry their token (the browser test sends them); here the rules are tested."""
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def admin(organiser_client):
    return organiser_client(admin=True)


def names(app, kind):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(
            select(Term.name).where(Term.kind == kind).order_by(Term.position, Term.id)
        )
        return list(rows)


def term_id(app, name):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(Term.id).where(Term.name == name))


def initiative_values(app, initiative):
    with app.app_context(), db.unit_of_work() as session:
        found = session.get(Initiative, initiative.id)
        return found.theme, found.field


def actions(app):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action.startswith("term.")))
        return [(row.action, row.before, row.after) for row in rows]


def text(response):
    return response.get_data(as_text=True)


def test_the_migration_puts_in_the_default_themes_and_fields(app):
    assert names(app, TermKind.THEME) == THEMES
    assert names(app, TermKind.FIELD) == [
        "Phát điện",
        "Truyền tải điện",
        "Phân phối điện",
        "Kinh doanh và dịch vụ khách hàng",
        "Công nghệ thông tin và chuyển đổi số",
        "An toàn và môi trường",
        "Quản trị và tổ chức",
    ]


def test_the_page_shows_both_lists_in_order(admin):
    page = text(admin.get("/manage/themes"))
    themes = page.split('data-testid="terms-theme"')[1].split("</ol>")[0]
    assert re.findall(r'name="name" aria-label="[^"]*" value="([^"]+)"', themes) == THEMES
    assert "Truyền tải điện" in page.split('data-testid="terms-field"')[1]


def test_only_administrators_change_the_lists(app, organiser_client, factory):
    owner = organiser_client(factory.event(), EventRole.OWNER)
    assert owner.get("/manage/themes").status_code == 403
    assert owner.post("/manage/themes/theme/add", data={"name": "An toàn"}).status_code == 403
    assert names(app, TermKind.THEME) == THEMES


def test_a_name_is_added_at_the_end_of_its_list(app, admin):
    response = admin.post("/manage/themes/field/add", data={"name": " Thủy điện "})
    assert response.status_code == 302
    assert names(app, TermKind.FIELD)[-1] == "Thủy điện"
    assert names(app, TermKind.THEME) == THEMES
    assert actions(app) == [("term.added", None, {"kind": "field", "name": "Thủy điện"})]


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Hãy nhập tên."), ("tiết kiệm điện", "“Tiết kiệm điện” đã có trong danh sách.")],
)
def test_an_empty_or_repeated_name_is_refused_beside_the_field(app, admin, name, message):
    response = admin.post("/manage/themes/theme/add", data={"name": name})
    assert response.status_code == 422
    assert re.search(f'id="add-theme-error">{re.escape(message)}<', text(response))
    assert names(app, TermKind.THEME) == THEMES


def test_an_unknown_list_is_not_found(admin):
    assert admin.post("/manage/themes/colour/add", data={"name": "Đỏ"}).status_code == 404


def test_a_rename_follows_on_the_initiatives_that_have_the_name(app, admin, factory):
    using = factory.initiative(theme="Tiết kiệm điện", field="Phân phối điện")
    other = factory.initiative(theme="Số hóa quy trình vận hành")
    target = term_id(app, "Tiết kiệm điện")
    response = admin.post(f"/manage/themes/{target}/rename", data={"name": "Tiết kiệm năng lượng"})
    assert response.status_code == 302
    assert names(app, TermKind.THEME)[0] == "Tiết kiệm năng lượng"
    assert initiative_values(app, using) == ("Tiết kiệm năng lượng", "Phân phối điện")
    assert initiative_values(app, other)[0] == "Số hóa quy trình vận hành"
    page = text(admin.get("/manage/themes"))
    assert "Đã đổi “Tiết kiệm điện” thành “Tiết kiệm năng lượng”; 1 sáng kiến đổi theo." in page


def test_a_rename_to_a_name_in_the_list_is_refused(app, admin):
    target = term_id(app, "Phát điện")
    response = admin.post(f"/manage/themes/{target}/rename", data={"name": "Truyền tải điện"})
    assert response.status_code == 422
    assert f'id="term-{target}-error"' in text(response)
    assert names(app, TermKind.FIELD)[0] == "Phát điện"


def test_up_and_down_move_a_name_one_place(app, admin):
    second = term_id(app, "Số hóa quy trình vận hành")
    response = admin.post(f"/manage/themes/{second}/move", data={"direction": "up"})
    assert response.headers["Location"].endswith(f"/manage/themes#term-{second}")
    assert names(app, TermKind.THEME)[:2] == ["Số hóa quy trình vận hành", "Tiết kiệm điện"]
    admin.post(f"/manage/themes/{second}/move", data={"direction": "up"})  # first already
    admin.post(f"/manage/themes/{second}/move", data={"direction": "down"})
    assert names(app, TermKind.THEME) == THEMES
    last = term_id(app, THEMES[-1])
    admin.post(f"/manage/themes/{last}/move", data={"direction": "down"})
    assert names(app, TermKind.THEME) == THEMES
    assert admin.post(f"/manage/themes/{last}/move", data={"direction": "x"}).status_code == 422


def test_a_removed_name_stays_on_the_initiatives_that_have_it(app, admin, factory):
    using = factory.initiative(field="An toàn và môi trường")
    target = term_id(app, "An toàn và môi trường")
    response = admin.post(f"/manage/themes/{target}/remove", follow_redirects=True)
    assert "An toàn và môi trường" not in names(app, TermKind.FIELD)
    assert initiative_values(app, using)[1] == "An toàn và môi trường"
    assert "Đã bỏ “An toàn và môi trường” khỏi danh sách. 1 sáng kiến vẫn giữ tên này." in text(
        response
    )
    [(action, before, after)] = actions(app)
    assert (action, before["initiatives"], after) == ("term.removed", 1, None)
