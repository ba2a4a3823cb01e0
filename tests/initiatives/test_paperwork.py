"""The application for recognition: the words of the amounts, and the filled form read back
from the PDF, exactly, Vietnamese letters included."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from initiatives.models import Author, Initiative
from initiatives.paperwork import Applicant, Application, application_pdf, dated_line, in_words


def text_of(data: bytes) -> str:
    """The text of every page, with each run of spaces and line breaks as one space: the
    layout wraps lines where it likes."""
    pages = (page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(" ".join(pages).split())


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (2024, "Hai nghìn không trăm hai mươi bốn đồng"),
        (85_000_000, "Tám mươi lăm triệu đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (1_200_000_000, "Một tỷ hai trăm triệu đồng"),
        (16_000_000_000, "Mười sáu tỷ đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
    ],
)
def test_amounts_in_words(amount, words):
    assert in_words(amount) == words


def test_the_place_and_date_line():
    assert dated_line("Hà Nội", date(2026, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2026"
    assert dated_line("", date(2026, 1, 5)).endswith(", ngày 05 tháng 01 năm 2026")


def application(**overrides):
    return Application(
        **{
            "to": "Hội đồng sáng kiến Công ty Điện lực Quảng Nam",
            "authors": [
                Applicant(
                    "Nguyễn Văn Hùng",
                    date(1982, 4, 9),
                    "Điện lực Hội An",
                    "Đội trưởng",
                    "Kỹ sư điện",
                    Decimal(60),
                ),
                Applicant(
                    "Trần Thị Thu Hà",
                    None,
                    "Điện lực Hội An",
                    "Kỹ thuật viên",
                    "Cao đẳng",
                    Decimal("40.00"),
                ),
            ],
            "title": "Chụp chống chim trên đầu cột 22 kV",
            "investor": "Công ty Điện lực Quảng Nam",
            "field": "Phân phối điện",
            "first_applied_on": date(2025, 3, 15),
            "prior_state": "Chim làm tổ gây sự cố một pha.",
            "solution": "Lắp chụp nhựa trên đầu cột.",
            "applicability": "Mọi đường dây 22 kV.",
            "effects": "Giảm sự cố một pha.",
            "confidential": "Bản vẽ khuôn ép chụp nhựa.",
            "benefit_vnd": 1_200_000_000,
            "non_monetary_benefits": "An toàn cho người vận hành.",
            "place": "Quảng Nam",
            "dated": date(2026, 1, 5),
        }
        | overrides
    )


def test_the_form_is_filled_from_the_record():
    text = text_of(application_pdf(application()))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN",
        "Kính gửi: Hội đồng sáng kiến Công ty Điện lực Quảng Nam",
        "Nguyễn Văn Hùng",
        "09/04/1982",
        "60%",
        "Trần Thị Thu Hà",
        "40%",
        "Tên sáng kiến: Chụp chống chim trên đầu cột 22 kV",
        "Chủ đầu tư tạo ra sáng kiến: Công ty Điện lực Quảng Nam",
        "Lĩnh vực áp dụng sáng kiến: Phân phối điện",
        "15/03/2025",
        "Nội dung giải pháp",
        "Lắp chụp nhựa trên đầu cột.",
        "Bản vẽ khuôn ép chụp nhựa.",
        "1.200.000.000 đồng/năm",
        "Một tỷ hai trăm triệu đồng",
        "Quảng Nam, ngày 05 tháng 01 năm 2026",
        "Người nộp đơn",
    ):
        assert expected in text, expected


def test_an_unknown_benefit_is_not_zero_and_long_descriptions_take_more_pages():
    long = "\n".join(f"Bước {n}: kiểm tra, vệ sinh và siết lại đầu cốt." for n in range(120))
    data = application_pdf(application(benefit_vnd=None, solution=long, confidential=""))
    text = text_of(data)
    assert "Giá trị làm lợi: Chưa lượng hóa được bằng tiền" in text
    assert " 0 đồng" not in text
    assert "Những thông tin cần được bảo mật (nếu có): Không có." in text
    assert "Bước 119" in text
    assert len(PdfReader(io.BytesIO(data)).pages) > 1


def test_organisers_download_it_from_the_event_list(app, factory, organiser_client):
    unit = factory.unit(name="Công ty Điện lực Quảng Nam")
    with factory.writing() as session:
        initiative = Initiative(
            title="Chụp chống chim trên đầu cột 22 kV",
            code="QNA-2025-007",
            unit_id=unit.id,
            confidential="Bản vẽ khuôn ép chụp nhựa.",
            authors=[Author(full_name="Nguyễn Văn Hùng", contribution_pct=Decimal(100))],
        )
        session.add(initiative)
    client = organiser_client()
    response = client.get(
        f"/manage/initiatives/{initiative.id}/application.pdf?place=H%C3%A0%20N%E1%BB%99i"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "don-yeu-cau-cong-nhan-QNA-2025-007.pdf" in response.headers["Content-Disposition"]
    text = text_of(response.data)
    assert "Kính gửi: Hội đồng sáng kiến Công ty Điện lực Quảng Nam" in text
    assert "Bản vẽ khuôn ép chụp nhựa." in text
    assert "Hà Nội, ngày" in text
    assert client.get("/manage/initiatives/999999/application.pdf").status_code == 404
    assert app.test_client().get(
        f"/manage/initiatives/{initiative.id}/application.pdf"
    ).status_code in (302, 401)
