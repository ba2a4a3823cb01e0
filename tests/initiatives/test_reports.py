"""Periodic reports and sharing: a yearly report of a unit with two sub-units checked against a
count by hand, then read back from its PDF (Vietnamese letters and all) and its XLSX; the
bulletin; the share card of a long Vietnamese title; the pages, the job and who may use them."""

import io
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from core import db, signals
from core.models import Job, JobStatus, Unit
from initiatives import reports
from initiatives.appearances import Appearance
from initiatives.bulletin import Heading, bulletin_pdf
from initiatives.manage_reports import file_name, read_report
from initiatives.models import (
    Author,
    Initiative,
    LibraryReaders,
    LibrarySettings,
    ProgrammeTarget,
    RecognitionLevel,
)
from initiatives.report_pdf import report_pdf
from initiatives.report_xlsx import report_xlsx
from initiatives.sharing import BRAND, QR_AT, WIDTH, Card, card_png, font, layout, line_height
from tests.imports import finished

LONG_TITLE = (
    "Nghiên cứu, chế tạo và ứng dụng thiết bị bay không người lái tích hợp cảm biến LiDAR và "
    "camera trí tuệ nhân tạo để kiểm tra, phát hiện sớm nguy cơ mất an toàn hành lang tuyến đường "
    "dây truyền tải điện 500 kV, 220 kV đi qua khu vực đồi núi hiểm trở, rừng phòng hộ đầu nguồn "
    "và vùng thường xuyên có mưa bão, sạt lở đất của các tỉnh miền Trung và Tây Nguyên"
)


def text_of(data: bytes) -> str:
    pages = (page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(" ".join(pages).split())


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def person(name, code=None, born=None, position=1):
    return Author(position=position, full_name=name, employee_code=code, birth_date=born)


@pytest.fixture
def quang_nam(factory):
    """Công ty Điện lực Quảng Nam with two sub-units, Hội An and Tam Kỳ, and a neighbour."""
    with factory.writing() as session:
        pc = Unit(code="PCQNAM", name="Công ty Điện lực Quảng Nam", staff_count=500)
        other = Unit(code="PCDN", name="Công ty Điện lực Đà Nẵng", staff_count=900)
        session.add_all([pc, other])
        session.flush()
        hoi_an = Unit(code="DLHA", name="Điện lực Hội An", parent_id=pc.id, staff_count=120)
        tam_ky = Unit(code="DLTK", name="Điện lực Tam Kỳ", parent_id=pc.id, staff_count=80)
        session.add_all([hoi_an, tam_ky])
        session.flush()
        session.add(ProgrammeTarget(unit_id=pc.id, per_year=5, cumulative=20, author_share_pct=10))
        hung, ha = person("Nguyễn Văn Hùng", "NV01"), person("Trần Thị Thu Hà", "NV02", position=2)
        made = [
            # Hội An
            Initiative(
                title="Giàn phun nước xử lý sự cố hạ thế trong hẻm nhỏ",
                unit_id=hoi_an.id,
                created_at=at(date(2025, 2, 10)),
                recognition_level=RecognitionLevel.BASE,
                decision_date=date(2025, 6, 15),
                benefit_vnd=85_000_000,
                authors=[hung, ha],
            ),
            Initiative(
                title="Bộ gá nâng máy biến áp phân phối không cần xe cẩu",
                unit_id=hoi_an.id,
                created_at=at(date(2025, 3, 1)),
                recognition_level=RecognitionLevel.CORPORATION,
                decision_date=date(2025, 11, 20),
                benefit_vnd=150_000_000,
                benefit_actual_vnd=200_000_000,
                authors=[person("Nguyễn Văn Hùng", "NV01")],
            ),
            Initiative(
                title="Chốt chắn chim trên đỉnh cột 22 kV",
                unit_id=hoi_an.id,
                created_at=at(date(2025, 5, 5)),
            ),
            # 31/12/2024 at 18:00 UTC is 01/01/2025 in Vietnam: registered in 2025; recognised
            # in 2024, so not in 2025's count.
            Initiative(
                title="Sổ tay hiện trường xe cẩu 3 trong 1",
                unit_id=hoi_an.id,
                created_at=datetime(2024, 12, 31, 18, tzinfo=UTC),
                recognition_level=RecognitionLevel.GROUP,
                decision_date=date(2024, 12, 20),
                benefit_vnd=16_000_000_000,
                authors=[person("Võ Thanh Tùng", "NV09")],
            ),
            # Tam Kỳ
            Initiative(
                title="Đọc chỉ số công tơ bằng ảnh chụp điện thoại (OCR)",
                unit_id=tam_ky.id,
                created_at=at(date(2025, 4, 1)),
                recognition_level=RecognitionLevel.GROUP,
                decision_date=date(2025, 9, 9),
                authors=[
                    person("Lê Minh Tuấn", "NV03"),
                    person("Nguyễn Văn Hùng", "NV01", position=2),
                ],
            ),
            Initiative(
                title="Cảnh báo quá nhiệt tủ hạ thế bằng IoT",
                unit_id=tam_ky.id,
                created_at=at(date(2025, 7, 1)),
                recognition_level=RecognitionLevel.BASE,
                decision_date=date(2026, 1, 15),
                benefit_vnd=120_000_000,
            ),
            Initiative(
                title="Phiếu công tác điện tử trên máy tính bảng",
                unit_id=tam_ky.id,
                created_at=at(date(2025, 8, 1)),
                recognition_level=RecognitionLevel.BASE,
            ),
            # The company itself
            Initiative(
                title="Phần mềm điều khiển xa lưới điện phân phối",
                unit_id=pc.id,
                created_at=at(date(2025, 1, 20)),
                recognition_level=RecognitionLevel.NATIONAL,
                decision_date=date(2025, 12, 1),
                benefit_actual_vnd=1_200_000_000,
                authors=[person("Phạm Quốc Bảo", born=date(1980, 1, 1))],
            ),
            # Not Quảng Nam's
            Initiative(
                title="Chatbot chăm sóc khách hàng",
                unit_id=other.id,
                created_at=at(date(2025, 3, 3)),
                recognition_level=RecognitionLevel.BASE,
                decision_date=date(2025, 3, 30),
                benefit_vnd=90_000_000,
                authors=[person("Đặng Ngọc Ánh", "NV07")],
            ),
        ]
        session.add_all(made)
        session.flush()
        return {"pc": pc.id, "hoi_an": hoi_an.id, "tam_ky": tam_ky.id, "other": other.id}


def yearly(app, unit_id, key="2025"):
    with app.test_request_context(), db.unit_of_work() as session:
        return read_report(session, unit_id, key)


def test_a_yearly_report_matches_a_count_by_hand(app, quang_nam):
    report, names = yearly(app, quang_nam["pc"])
    total = report.total
    # Registered in 2025: 4 at Hội An (one by Vietnam's clock), 3 at Tam Kỳ, 1 at the company.
    assert total.registered == 8
    # Recognised in 2025: two at Hội An, one at Tam Kỳ, one at the company.
    assert total.recognised == 4
    assert total.by_level == {
        RecognitionLevel.BASE: 1,
        RecognitionLevel.CORPORATION: 1,
        RecognitionLevel.GROUP: 1,
        RecognitionLevel.PROVINCE: 0,
        RecognitionLevel.NATIONAL: 1,
    }
    # 85 million projected + 200 million actual (before its 150 projected) + 1.2 billion actual;
    # the OCR has no value: counted apart, not as 0.
    assert total.benefit == reports.Benefit(1_485_000_000, actual=2, projected=1, unquantified=1)
    # Hùng (NV01) authored at both sub-units and counts once; Hà, Tuấn, and Bảo (no code).
    assert (total.authors, total.counted.authors_by_name) == (4, 1)
    assert total.staff == 500 and total.share_pct == Decimal("0.8")
    assert report.undated == 1

    rows = {(row.unit_id, row.own): row for row in report.rows}
    # A row per sub-unit, and one of what is recorded at the company itself.
    assert list(rows) == [
        (quang_nam["hoi_an"], False),
        (quang_nam["tam_ky"], False),
        (quang_nam["pc"], True),
    ]
    hoi_an = rows[quang_nam["hoi_an"], False]
    assert (hoi_an.registered, hoi_an.recognised, hoi_an.authors) == (4, 2, 2)
    assert hoi_an.benefit.total == 285_000_000 and hoi_an.share_pct == Decimal("1.7")
    tam_ky = rows[quang_nam["tam_ky"], False]
    assert (tam_ky.registered, tam_ky.recognised, tam_ky.authors) == (3, 1, 2)
    assert tam_ky.benefit == reports.Benefit(0, 0, 0, unquantified=1)
    assert tam_ky.share_pct == Decimal("2.5")
    own = rows[quang_nam["pc"], True]
    assert (own.registered, own.recognised, own.authors, own.benefit.total) == (
        1,
        1,
        1,
        1_200_000_000,
    )
    # The rows add up to the total, people excepted (Hùng is in both sub-units).
    assert sum(row.registered for row in report.rows) == total.registered
    assert sum(row.recognised for row in report.rows) == total.recognised
    assert sum(row.benefit.total for row in report.rows) == total.benefit.total
    assert sum(row.authors for row in report.rows) == total.authors + 1

    progress = report.progress
    assert (progress.in_period, progress.period_target) == (4, 5)
    assert (progress.year_to_date, progress.per_year_target) == (4, 5)
    assert (progress.cumulative, progress.cumulative_target) == (4, 20)
    assert progress.share_target == Decimal(10)

    assert [best.record.benefit for best in report.by_benefit] == [
        1_200_000_000,
        200_000_000,
        85_000_000,
    ]
    assert [best.record.level for best in report.by_recognition] == [
        RecognitionLevel.NATIONAL,
        RecognitionLevel.GROUP,
        RecognitionLevel.CORPORATION,
        RecognitionLevel.BASE,
    ]
    assert report.by_recognition[1].record.authors == ("Lê Minh Tuấn", "Nguyễn Văn Hùng")
    assert names[quang_nam["hoi_an"]] == "Điện lực Hội An"


def test_the_report_agrees_with_the_programme_dashboard(app, quang_nam, organiser_client):
    report, _names = yearly(app, quang_nam["pc"], "programme")
    page = organiser_client().get(f"/manage/programme?unit={quang_nam['pc']}")
    html = page.get_data(as_text=True)
    assert f'data-testid="cumulative">{report.total.recognised} / 20' in html
    assert f'data-testid="authors">{report.total.authors}<' in html


def test_quarters_and_the_whole_programme(app, quang_nam):
    second, _names = yearly(app, quang_nam["pc"], "2025-Q2")
    assert (second.period.first_day, second.period.last_day) == (
        date(2025, 4, 1),
        date(2025, 6, 30),
    )
    assert (second.total.registered, second.total.recognised) == (2, 1)  # the OCR; the water cart
    assert second.progress.period_target is None and second.progress.year_to_date == 1
    whole, names = yearly(app, None, "2025")
    assert whole.total.recognised == 5 and names[None] == "Toàn chương trình"
    assert {row.unit_id for row in whole.rows} == {quang_nam["pc"], quang_nam["other"]}
    assert reports.period("2025-Q4", 2025, 2028).last_day == date(2025, 12, 31)
    with pytest.raises(reports.BadPeriod):
        reports.period("2025-Q5", 2025, 2028)


def test_the_pdf_reads_back_in_correct_vietnamese(app, quang_nam):
    report, names = yearly(app, quang_nam["pc"])
    with app.test_request_context():
        data = report_pdf(report, names, date(2026, 1, 5))
    text = text_of(data)
    assert text == unicodedata.normalize("NFC", text)
    for expected in (
        "BÁO CÁO PHONG TRÀO SÁNG KIẾN",
        "Công ty Điện lực Quảng Nam · Năm 2025",
        "Từ ngày 01/01/2025 đến ngày 31/12/2025 · Lập ngày 05/01/2026",
        "Sáng kiến đăng ký trong kỳ 8",
        "1.485.000.000 đồng",
        "Cấp toàn quốc",
        "Điện lực Hội An",
        "Điện lực Tam Kỳ",
        "Tiến độ thực hiện chỉ tiêu",
        "Phần mềm điều khiển xa lưới điện phân phối",
        "Đọc chỉ số công tơ bằng ảnh chụp điện thoại (OCR)",
        "Chưa lượng hóa",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("unit", "key", "label"),
    [
        (None, "2025-Q2", "Quý II năm 2025"),
        (None, "programme", "Giai đoạn 2025 - 2028"),
        ("hoi_an", "2027", "Năm 2027"),  # nothing in it
    ],
)
def test_every_kind_of_period_renders(app, quang_nam, factory, unit, key, label):
    factory.unit(name="Công ty Thủy điện " + "Hòa Bình " * 12, code="THB")  # a long name
    report, names = yearly(app, quang_nam.get(unit), key)
    made = date(2026, 1, 5)
    with app.test_request_context():
        text = text_of(report_pdf(report, names, made))
        workbook = load_workbook(io.BytesIO(report_xlsx(report, names, made)))
    assert f"{names[report.unit_id]} · {label}" in text
    assert workbook["Tổng hợp"]["B3"].value == label
    bulletin = bulletin_pdf(report, names, Heading(names[report.unit_id], made))
    assert len(PdfReader(io.BytesIO(bulletin)).pages) == 1
    assert label in text_of(bulletin)


def test_a_period_whose_initiatives_are_none_quantified_says_so_not_0(app, quang_nam):
    report, names = yearly(app, None, "2025-Q2")
    unknown = reports.Benefit(unquantified=2)
    report = replace(report, total=replace(report.total, benefit=unknown))
    heading = Heading(names[report.unit_id], date(2026, 1, 5))
    bulletin = text_of(bulletin_pdf(report, names, heading))
    assert "1 Sáng kiến được công nhận Chưa lượng hóa Giá trị làm lợi" in bulletin
    with app.test_request_context():
        text = text_of(report_pdf(report, names, date(2026, 1, 5)))
    assert "Chưa lượng hóa được bằng tiền" in text


def test_the_xlsx_reads_back_with_raw_integers_and_charts(app, quang_nam):
    report, names = yearly(app, quang_nam["pc"])
    with app.test_request_context():
        data = report_xlsx(report, names, date(2026, 1, 5))
    book = load_workbook(io.BytesIO(data))
    summary = {row[0]: row[1:] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Sáng kiến đăng ký trong kỳ"][0] == 8
    assert summary["Sáng kiến được công nhận trong kỳ"] == (4, 5)
    assert summary["Tổng giá trị làm lợi (đồng/năm)"][0] == 1_485_000_000
    assert summary["Chưa lượng hóa được bằng tiền (sáng kiến)"][0] == 1
    units = list(book["Theo đơn vị"].iter_rows(values_only=True))
    assert units[1][:4] == ("Điện lực Hội An", 4, 2, None)
    assert units[-1][0] == "Cộng" and units[-1][2] == 4
    best = list(book["Tiêu biểu - giá trị"].iter_rows(values_only=True))
    assert best[1][1] == "Phần mềm điều khiển xa lưới điện phân phối"
    assert best[1][7] == 1_200_000_000 and isinstance(best[1][7], int)
    assert book["Theo cấp công nhận"]._charts and book["Theo đơn vị"]._charts


def card_of(title, **overrides):
    return Card(
        **{
            "title": title,
            "unit": "Công ty Truyền tải điện 2",
            "authors": "Nguyễn Văn Hùng, Trần Thị Thu Hà, Lê Minh Tuấn, Đỗ Thị Mai Phương",
            "benefit": "1.200.000.000 đồng/năm",
            "recognition": "Cấp Tập đoàn · QĐ 123/QĐ-EVN ngày 05/01/2026",
            "award": "Giải Nhất · Ngày hội Lao động sáng tạo 2026",
            "link": "http://192.168.1.20:8000/library/7",
        }
        | overrides
    )


@pytest.mark.parametrize("title", [LONG_TITLE, (LONG_TITLE + " ") * 2, "Gá uốn cáp thép"])
@pytest.mark.parametrize("award", ["Giải Nhất · Ngày hội Lao động sáng tạo 2026", ""])
def test_a_long_vietnamese_title_is_never_cut_on_the_share_card(title, award):
    title = title.strip()[:500]  # the longest a title may be
    card = card_of(title, award=award)
    placed = layout(card)
    # Every word kept, in order; every line within the card's width; the title above the rule.
    assert " ".join(placed.title_lines) == " ".join(title.split())
    assert all(font(placed.title_size).getlength(line) <= WIDTH for line in placed.title_lines)
    title_texts = [t for t in placed.texts if t.weight == "B" and t.colour == BRAND]
    assert [t.text for t in title_texts] == placed.title_lines
    assert title_texts[-1].y + line_height(placed.title_size) <= placed.rule
    # Nothing runs off the card, nor over the QR code.
    for text in placed.texts:
        assert text.x + text.width <= 1080 - 72 and text.y + line_height(text.size) <= 1350
        if text.y + line_height(text.size) > QR_AT[1]:
            assert text.x + text.width <= QR_AT[0] or text.x >= QR_AT[0]
    image = Image.open(io.BytesIO(card_png(card)))
    assert image.format == "PNG" and image.size == (1080, 1350)


def test_a_short_title_is_set_large():
    assert layout(card_of("Gá uốn cáp thép", award="")).title_size == 76
    assert layout(card_of(LONG_TITLE)).title_size < 76


def test_the_bulletin_is_one_page_of_the_best(app, quang_nam, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    client = organiser_client()
    answer = client.post(
        "/manage/programme/reports",
        data={"unit": str(quang_nam["pc"]), "period": "2025", "format": "bulletin"},
    )
    assert answer.status_code == 302
    job = finished(app, answer.headers["Location"].rsplit("/", 1)[-1])
    assert job.status == JobStatus.DONE, job.error
    assert job.result["download"] is True
    pdf = client.get(job.result["url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    text = text_of(pdf.data)
    assert "BẢN TIN SÁNG KIẾN" in text and "Công ty Điện lực Quảng Nam · Năm 2025" in text
    assert "Phần mềm điều khiển xa lưới điện phân phối" in text and "Cấp toàn quốc" in text


def test_a_reports_file_is_named_in_vietnamese_words():
    assert file_name("toan-chuong-trinh", "programme", "pdf") == (
        "bao-cao-sang-kien-toan-chuong-trinh-ca-giai-doan.pdf"
    )
    assert file_name("don-vi-3", "2025-Q2", "bulletin").startswith("ban-tin-sang-kien-don-vi-3-")


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_an_organiser_makes_a_report_by_a_job_and_downloads_it(
    app, quang_nam, organiser_client, kind
):
    app.config["WTF_CSRF_ENABLED"] = False
    client = organiser_client()
    form = client.get("/manage/programme/reports").get_data(as_text=True)
    assert "Điện lực Hội An" in form and "Quý II năm 2025" in form
    answer = client.post(
        "/manage/programme/reports",
        data={"unit": str(quang_nam["pc"]), "period": "2025", "format": kind},
    )
    page = client.get(answer.headers["Location"])
    assert page.status_code == 200 and "Lập báo cáo sáng kiến" in page.get_data(as_text=True)
    job = finished(app, answer.headers["Location"].rsplit("/", 1)[-1])
    assert job.status == JobStatus.DONE, job.error
    download = client.get(job.result["url"])
    assert download.status_code == 200
    assert (
        f"bao-cao-sang-kien-don-vi-{quang_nam['pc']}-2025.{kind}"
        in download.headers["Content-Disposition"]
    )
    # Another organiser may not follow it nor take its file.
    stranger = organiser_client()
    assert stranger.get(answer.headers["Location"]).status_code == 404
    assert stranger.get(job.result["url"]).status_code == 404


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"unit": "999999", "period": "2025", "format": "pdf"}, "Hãy chọn một đơn vị"),
        ({"unit": "all", "period": "2025-Q9", "format": "pdf"}, "Hãy chọn một kỳ báo cáo"),
        ({"unit": "all", "period": "2025", "format": "docx"}, "Hãy chọn định dạng"),
        ({"unit": "-1", "period": "2025", "format": "pdf"}, "Hãy chọn một đơn vị"),
        ({"unit": "²", "period": "2025", "format": "pdf"}, "Hãy chọn một đơn vị"),
        ({"unit": "9" * 12, "period": "2025", "format": "pdf"}, "Hãy chọn một đơn vị"),
        # Outside the programme's years, 2025 to 2028 (review finding 12).
        ({"unit": "all", "period": "2099", "format": "pdf"}, "từ 2025 đến 2028"),
        ({"unit": "all", "period": "2024-Q4", "format": "xlsx"}, "từ 2025 đến 2028"),
    ],
)
def test_a_bad_choice_is_refused_with_a_message_and_starts_nothing(
    app, organiser_client, form, message
):
    app.config["WTF_CSRF_ENABLED"] = False
    answer = organiser_client().post("/manage/programme/reports", data=form)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_strangers_are_sent_to_log_in(client):
    assert client.get("/manage/programme/reports").headers["Location"].startswith("/login?next=")


def test_the_share_card_of_a_recognised_or_awarded_initiative(app, factory, organiser_client):
    recognised = factory.initiative(
        title=LONG_TITLE, recognition_level=RecognitionLevel.GROUP, benefit_vnd=85_000_000
    )
    plain = factory.initiative(title="Chưa được công nhận")
    client = organiser_client()
    record = client.get(f"/library/{recognised.id}").get_data(as_text=True)
    assert f'href="/library/{recognised.id}/share-card.png" download' in record
    card = client.get(f"/library/{recognised.id}/share-card.png")
    assert card.status_code == 200 and card.mimetype == "image/png"
    assert Image.open(io.BytesIO(card.data)).size == (1080, 1350)
    assert "share-card" not in client.get(f"/library/{plain.id}").get_data(as_text=True)
    assert client.get(f"/library/{plain.id}/share-card.png").status_code == 404

    # An award at an event (the appearances' signal) is enough without a recognition.
    def awarded(initiative, session):
        if initiative.id != plain.id:
            return []
        return [
            Appearance(
                "ngay-hoi", "Ngày hội Lao động sáng tạo 2026", date(2026, 1, 5), "", "Giải Nhất"
            )
        ]

    signals.initiative_appearances.connect(awarded)
    try:
        assert "share-card" in client.get(f"/library/{plain.id}").get_data(as_text=True)
        assert client.get(f"/library/{plain.id}/share-card.png").status_code == 200
    finally:
        signals.initiative_appearances.disconnect(awarded)


def test_a_reader_without_an_account_downloads_the_share_card_while_the_library_is_open(
    client, factory
):
    """The card's QR code sends a phone to the library; whoever reads the record may share it."""
    recognised = factory.initiative(title=LONG_TITLE, recognition_level=RecognitionLevel.GROUP)
    assert 'data-testid="share-card"' in client.get(f"/library/{recognised.id}").get_data(
        as_text=True
    )
    card = client.get(f"/library/{recognised.id}/share-card.png")
    assert card.status_code == 200 and card.mimetype == "image/png"
    with factory.writing() as session:
        session.add(LibrarySettings(id=1, readers=LibraryReaders.ORGANISERS))
    closed = client.get(f"/library/{recognised.id}/share-card.png")
    assert closed.headers["Location"].startswith("/login?next=")
