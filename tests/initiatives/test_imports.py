"""Importing initiatives with their authors into an event, from real XLSX and CSV files."""

import io
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core import db
from core.models import AuditLog, EventRole, Job
from initiatives.imports import COLUMNS
from initiatives.models import (
    Author,
    EventInitiative,
    Initiative,
    RecognitionLevel,
    Similarity,
    SimilarityKind,
)
from tests.imports import cells, confirm, csv_file, finished, upload, xlsx

HEADER = [column.label for column in COLUMNS]


def row(code, title, author, share, **cells_):
    """A row of the file: the initiative's columns and one author's."""
    values = {
        "code": code,
        "title": title,
        "unit": "PCQNAM",
        "theme": "Số hóa quy trình vận hành",
        "solution_type": "Kỹ thuật",
        "first_applied_on": "05/12/2025",
        "benefit": "150.000.000",
        "scope": "Tổng công ty",
        "author": author,
        "birth_date": "14/03/1985",
        "contribution": share,
    } | cells_
    return [values.get(column.key, "") for column in COLUMNS]


def good_rows(count):
    """``count`` initiatives of two authors each (60/40)."""
    rows = []
    for number in range(1, count + 1):
        code = f"SK-{number:04d}"
        rows.append(row(code, f"Sáng kiến số {number}", "Nguyễn Văn Hùng", "60"))
        rows.append(row(code, "", "Trần Thị Thu Hà", "40%", birth_date=""))
    return rows


@pytest.fixture
def setup(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    factory.unit(code="PCQNAM", name="Công ty Điện lực Quảng Nam")
    event = factory.event()
    client = organiser_client(event, EventRole.MANAGER)
    return event, client, f"/manage/{event.slug}/import/initiatives"


def counts(app):
    with app.app_context(), db.unit_of_work() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Initiative, Author, EventInitiative, AuditLog)
        )


def test_a_file_is_checked_then_written_and_listed_on_the_event(app, setup):
    event, client, path = setup
    url, page = upload(app, client, path, xlsx([HEADER, *good_rows(3)]))
    assert counts(app) == (0, 0, 0, 0)  # nothing written before the confirmation
    assert "Mục mới</dt><dd>3<" in page
    assert cells(page, "import-sample")[0][2:4] == ["SK-0001", "Sáng kiến số 1"]
    url, page = confirm(app, client, url)
    assert 'data-testid="import-outcome"' in page
    with app.app_context(), db.unit_of_work() as session:
        initiative = session.scalar(select(Initiative).where(Initiative.code == "SK-0001"))
        assert initiative.title == "Sáng kiến số 1"
        assert initiative.first_applied_on == date(2025, 12, 5)
        assert initiative.benefit_vnd == 150_000_000
        assert [(a.position, a.full_name, a.contribution_pct) for a in initiative.authors] == [
            (1, "Nguyễn Văn Hùng", Decimal(60)),
            (2, "Trần Thị Thu Hà", Decimal(40)),
        ]
    listed = client.get(f"/manage/{event.slug}/initiatives").get_data(as_text=True)
    assert "Sáng kiến số 3" in listed and "Nguyễn Văn Hùng (60%)" in listed


def test_importing_the_same_file_again_changes_nothing(app, setup):
    _event, client, path = setup
    data = xlsx([HEADER, *good_rows(4)])
    confirm(app, client, upload(app, client, path, data)[0])
    before = counts(app)
    with app.app_context(), db.unit_of_work() as session:
        stamps = session.execute(select(Initiative.code, Initiative.updated_at)).all()
    url, page = upload(app, client, path, data)
    assert "Mục không đổi</dt><dd>4<" in page
    assert "Không có gì thay đổi" in page
    confirm(app, client, url)  # written anyway: nothing to write
    assert counts(app) == before
    with app.app_context(), db.unit_of_work() as session:
        assert session.execute(select(Initiative.code, Initiative.updated_at)).all() == stamps


def test_a_changed_row_updates_the_initiative_and_is_audited(app, setup):
    _event, client, path = setup
    rows = good_rows(2)
    confirm(app, client, upload(app, client, path, xlsx([HEADER, *rows]))[0])
    audits = counts(app)[3]
    rows[2] = row("SK-0002", "Sáng kiến số 2 (bản sửa)", "Nguyễn Văn Hùng", "50")
    rows[3] = row("SK-0002", "", "Trần Thị Thu Hà", "50")
    url, page = upload(app, client, path, xlsx([HEADER, *rows]))
    assert "Mục thay đổi</dt><dd>1<" in page and "Mục không đổi</dt><dd>1<" in page
    confirm(app, client, url)
    with app.app_context(), db.unit_of_work() as session:
        initiative = session.scalar(select(Initiative).where(Initiative.code == "SK-0002"))
        assert initiative.title == "Sáng kiến số 2 (bản sửa)"
        assert [a.contribution_pct for a in initiative.authors] == [50, 50]
        audit = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert audit.action == "initiative.updated"
        assert audit.before["title"] == "Sáng kiến số 2"
    assert counts(app)[3] == audits + 1


def test_five_bad_rows_in_a_hundred_are_each_shown_and_nothing_is_written(app, setup):
    _event, client, path = setup
    rows = good_rows(50)
    rows[0][HEADER.index("Tỷ lệ đóng góp (%)")] = "70"  # row 2: 70 + 40
    rows[10][HEADER.index("Ngày áp dụng lần đầu")] = "2025-12-05"  # row 12
    rows[21][HEADER.index("Mã đơn vị")] = "KHONGCO"  # row 23: its own row's unit
    rows[31][HEADER.index("Tên sáng kiến")] = "Một tên khác"  # row 33, a later row of SK-0016
    rows[40][HEADER.index("Chuyên đề")] = "Chuyên đề lạ"  # row 42
    url, page = upload(app, client, path, xlsx([HEADER, *rows]))
    problems = cells(page, "import-problems")
    assert [(int(problem[0]), problem[1]) for problem in problems] == [
        (2, "Tỷ lệ đóng góp (%)"),
        (12, "Ngày áp dụng lần đầu"),
        (23, "Mã đơn vị"),
        (33, "Tên sáng kiến"),
        (42, "Chuyên đề"),
    ]
    assert "cộng lại là 110%" in problems[0][3] and "dòng 2, 3" in problems[0][3]
    assert problems[0][2] == "110"  # the total, written as the message writes it
    assert "dd/mm/yyyy" in problems[1][3]
    assert "Sửa các dòng có lỗi trong tệp rồi tải lên lại" in page
    assert client.post(url + "/apply").status_code == 409
    assert counts(app) == (0, 0, 0, 0)


@pytest.mark.parametrize(("more_units", "sheet"), [(0, "Hướng dẫn"), (12, "Mã đơn vị")])
def test_an_unknown_unit_sends_to_the_templates_sheet_where_the_codes_are(
    app, factory, setup, more_units, sheet
):
    _event, client, path = setup
    for number in range(more_units):
        factory.unit(code=f"DV{number:02d}", name=f"Đơn vị {number}")
    rows = [HEADER, row("SK-0001", "Sáng kiến", "Nguyễn Văn Hùng", "100", unit="KHONGCO")]
    _url, page = upload(app, client, path, xlsx(rows))
    [problem] = cells(page, "import-problems")
    assert problem[1:] == [
        "Mã đơn vị",
        "KHONGCO",
        "Mã đơn vị KHONGCO không có trong danh sách đơn vị. Xem các mã đơn vị ở trang "
        f"“{sheet}” của tệp mẫu.",
    ]
    template = load_workbook(io.BytesIO(client.get(path + "/template.xlsx").data))
    assert any("PCQNAM" in str(cell.value) for line in template[sheet].iter_rows() for cell in line)


@pytest.mark.parametrize(
    ("data", "filename", "says"),
    [
        (b"not a workbook", "du-lieu.xlsx", "Không đọc được tệp .xlsx"),
        (b"T\xean s\xe1ng ki\xean\n", "du-lieu.csv", "UTF-8"),  # saved as Windows-1258
    ],
)
def test_a_file_that_cannot_be_read_says_why_on_the_check_page(app, setup, data, filename, says):
    _event, client, path = setup
    url, page = upload(app, client, path, data, filename)
    problems = cells(page, "import-problems")
    assert len(problems) == 1 and says in problems[0][3]
    assert client.post(url + "/apply").status_code == 409
    assert counts(app) == (0, 0, 0, 0)


def test_a_csv_of_decomposed_vietnamese_with_semicolons_and_an_empty_row(app, setup):
    _event, client, path = setup
    title = "Robot sửa chữa dây chống sét và cáp quang OPGW"
    rows = [
        [unicodedata.normalize("NFD", cell) for cell in HEADER],
        [unicodedata.normalize("NFD", cell) for cell in row("sk-9", title, "Lê Minh Tuấn", "100")],
        [""] * len(HEADER),
    ]
    url, page = upload(app, client, path, csv_file(rows, delimiter=";"), "sang-kien.csv")
    assert "Bỏ qua các dòng trống: 3." in page
    confirm(app, client, url)
    with app.app_context(), db.unit_of_work() as session:
        initiative = session.scalar(select(Initiative).where(Initiative.code == "SK-9"))
        assert initiative.title == title == unicodedata.normalize("NFC", title)
        assert initiative.authors[0].full_name == "Lê Minh Tuấn"


def test_a_thousand_rows_are_written_off_the_request_with_progress(app, setup):
    _event, client, path = setup
    url, _page = upload(app, client, path, xlsx([HEADER, *good_rows(500)]))
    response = client.post(url + "/apply")
    job = finished(app, response.headers["Location"].rsplit("/", 1)[1])
    assert (job.done, job.total) == (500, 500)
    assert counts(app)[:3] == (500, 1000, 500)
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 2


def test_the_template_has_the_headers_and_a_guide(app, setup):
    from io import BytesIO

    from openpyxl import load_workbook

    _event, client, path = setup
    response = client.get(path + "/template.xlsx")
    book = load_workbook(BytesIO(response.data))
    assert [cell.value for cell in book.worksheets[0][1]] == HEADER
    guide = book["Hướng dẫn"]
    assert guide["A2"].value == "Mã sáng kiến" and guide["B2"].value == "Có"
    assert "Kỹ thuật" in guide["D7"].value


def test_the_import_is_for_the_events_managers(organiser_client, setup):
    event, _client, _path = setup
    viewer = organiser_client(event, EventRole.VIEWER)
    assert viewer.get(f"/manage/{event.slug}/import").status_code == 403


def test_an_imported_initiative_is_checked_for_novelty(app, factory, setup):
    _event, client, path = setup
    earlier = factory.initiative(
        title="Lắp chụp chống chim trên đầu cột đường dây 22 kV",
        unit_id=factory.unit(code="PCQNGAI", name="Công ty Điện lực Quảng Ngãi").id,
    )
    rows = [
        row("SK-0100", "Lap chup chong chim tren dau cot duong day 22 kV", "Võ Thanh Tùng", "100")
    ]
    confirm(app, client, upload(app, client, path, xlsx([HEADER, *rows]))[0])
    with app.app_context(), db.unit_of_work() as session:
        found = session.scalars(select(Similarity)).one()
        assert found.other_id == earlier.id
        assert found.kind == SimilarityKind.REPLICATION  # another unit: nhân rộng


def test_authors_employee_codes_are_kept_and_an_unchanged_file_stays_unchanged(app, setup):
    _event, client, path = setup
    rows = [
        row("SK-0100", "Khớp nối mặt bích", "Nguyễn Văn Hùng", "60", employee_code="nv 00123"),
        row("SK-0100", "", "Trần Thị Thu Hà", "40"),
    ]
    confirm(app, client, upload(app, client, path, xlsx([HEADER, *rows]))[0])
    with app.app_context(), db.unit_of_work() as session:
        initiative = session.scalar(select(Initiative).where(Initiative.code == "SK-0100"))
        assert [a.employee_code for a in initiative.authors] == ["nv 00123", None]
    _url, page = upload(app, client, path, xlsx([HEADER, *rows]))
    assert "Mục không đổi</dt><dd>1<" in page


def test_a_recognition_is_imported_and_an_empty_one_keeps_what_was_recorded(
    app, setup, organiser_client
):
    """An administrator's file writes it through the library's recognition, audited."""
    _event, _manager, path = setup
    client = organiser_client(admin=True)
    recognised = row(
        "SK-0200",
        "Khớp nối mặt bích thay hàn đồng ổ hướng tua bin",
        "Nguyễn Văn Hùng",
        "100",
        recognition_level="Cấp Tổng công ty",
        decision_number="125/QĐ-EVNCPC",
        decision_date="20/06/2025",
    )
    confirm(app, client, upload(app, client, path, xlsx([HEADER, recognised]))[0])
    with app.app_context(), db.unit_of_work() as session:
        initiative = session.scalar(select(Initiative).where(Initiative.code == "SK-0200"))
        assert initiative.recognition_level == RecognitionLevel.CORPORATION
        assert (initiative.decision_number, initiative.decision_date) == (
            "125/QĐ-EVNCPC",
            date(2025, 6, 20),
        )
        (change,) = session.scalars(
            select(AuditLog).where(
                AuditLog.action == "initiative.recognition",
                AuditLog.subject == f"initiative:{initiative.id}",
            )
        ).all()
        assert change.after["recognition_level"] == "corporation"
    silent = row(
        "SK-0200", "Khớp nối mặt bích thay hàn đồng ổ hướng tua bin", "Nguyễn Văn Hùng", "100"
    )
    _url, page = upload(app, client, path, xlsx([HEADER, silent]))
    assert "Mục không đổi</dt><dd>1<" in page


def test_a_decision_dated_after_today_is_a_problem_of_its_row(app, setup, organiser_client):
    _event, _manager, path = setup
    client = organiser_client(admin=True)
    ahead = row(
        "SK-0204",
        "Gá uốn cáp",
        "Huỳnh Tấn Phát",
        "100",
        recognition_level="Cấp cơ sở",
        decision_number="9/QĐ",
        decision_date=(date.today() + timedelta(days=1)).strftime("%d/%m/%Y"),
    )
    _url, page = upload(app, client, path, xlsx([HEADER, ahead]))
    [problem] = cells(page, "import-problems")
    assert (problem[0], problem[1], problem[3]) == (
        "2",
        "Ngày quyết định",
        "Ngày quyết định không thể sau hôm nay.",
    )


def test_an_event_manager_may_not_write_a_recognition(app, setup):
    """Only administrators write recognitions (review finding 4): a manager's file with any of
    the three columns filled is refused, row and column named, nothing written."""
    _event, client, path = setup
    rows = [
        row("SK-0201", "Chụp chống chim", "Võ Thanh Tùng", "100", recognition_level="Cấp cơ sở"),
        row("SK-0202", "Xe phun nước", "Ngô Quang Vinh", "100", decision_number="9/QĐ"),
        row("SK-0203", "Gá uốn cáp", "Huỳnh Tấn Phát", "100", decision_date="20/06/2025"),
    ]
    before = counts(app)
    _url, page = upload(app, client, path, xlsx([HEADER, *rows]))
    problems = cells(page, "import-problems")
    assert [(problem[0], problem[1]) for problem in problems] == [
        ("2", "Cấp công nhận"),
        ("3", "Số quyết định"),
        ("4", "Ngày quyết định"),
    ]
    assert all("Chỉ quản trị hệ thống được ghi cấp công nhận" in p[3] for p in problems)
    assert counts(app) == before


def test_a_decision_without_its_level_is_a_problem(app, setup, organiser_client):
    _event, _manager, path = setup
    client = organiser_client(admin=True)
    rows = [row("SK-0300", "Chụp chống chim", "Võ Thanh Tùng", "100", decision_number="9/QĐ")]
    _url, page = upload(app, client, path, xlsx([HEADER, *rows]))
    problems = cells(page, "import-problems")
    assert problems[0][1] == "Cấp công nhận" and "Hãy ghi cấp công nhận" in problems[0][3]
