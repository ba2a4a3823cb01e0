"""Minutes and certificates: the PDFs' text, the QR codes, issuing again, /verify, who may."""

import io
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from core import audit, db, qr
from core.models import Event, EventRole, JobStatus, Round
from initiatives.models import Author
from scoring import paperwork
from scoring.certificates import Printed, certificates_pdf, dated, place_of, spaced_code
from scoring.models import Certificate, Entry, ScoreSheet, Seal
from tests.core.test_jobs import finished

AUTHORS = ["Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Minh Tuấn", "Phạm Quốc Bảo", "Võ Thanh Tùng"]


def pages_of(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def printed(number):
    code = f"ABCDEFG{number:03d}".replace("0", "H").replace("1", "J")
    return Printed(
        code=code,
        link=f"http://10.0.0.5:8000/verify/{code}",
        recipient=AUTHORS[number % len(AUTHORS)],
        team=False,
        initiative="Giá đỡ nâng máy biến áp phân phối không cần xe cẩu",
        unit="Công ty Điện lực Quảng Nam",
        prize="Giải Khuyến khích",
        event="Ngày hội Lao động sáng tạo năm 2026",
        dated=dated("Hà Nội", date(2026, 1, 5)),
        issuer="Công đoàn Điện lực Việt Nam",
        signer_title="Chủ tịch",
        signer_name="Đỗ Thị Mai Phương",
    )


def test_the_date_line_of_a_vietnamese_document():
    assert dated("Hà Nội", date(2026, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2026"
    assert dated("", date(2026, 12, 25)) == "Ngày 25 tháng 12 năm 2026"
    assert place_of("", "Trung tâm Hội nghị, 11 Cửa Bắc, Hà Nội") == "Hà Nội"
    assert place_of(" Đà Nẵng ", "Hà Nội") == "Đà Nẵng"
    assert spaced_code("ABCDEFGHJK") == "ABCDE-FGHJK"


def test_a_batch_of_thirty_prints_each_certificate_and_its_qr_code():
    batch = [printed(number) for number in range(30)]
    data = certificates_pdf(batch)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 30
    for page, certificate in zip(reader.pages, batch, strict=True):
        text = page.extract_text()
        for expected in (
            "GIẤY CHỨNG NHẬN",
            "LAO ĐỘNG SÁNG TẠO",
            certificate.recipient,
            "Giá đỡ nâng máy biến áp phân phối không cần xe cẩu",
            "Đạt Giải Khuyến khích tại Ngày hội Lao động sáng tạo năm 2026",
            "Hà Nội, ngày 05 tháng 01 năm 2026",
            "CÔNG ĐOÀN ĐIỆN LỰC VIỆT NAM",
            "CHỦ TỊCH",
            "Đỗ Thị Mai Phương",
            spaced_code(certificate.code),
            certificate.link,
        ):
            assert expected in text, (expected, text)
        assert page.mediabox.width > page.mediabox.height  # landscape
        # The QR code: the very image qr.png makes of the certificate's link, pixel for pixel.
        (image,) = page.images
        expected_image = Image.open(io.BytesIO(qr.png(certificate.link))).convert("L")
        assert image.image.convert("L").tobytes() == expected_image.tobytes()


# --- through the server ---


def award_winning(factory, client, contest, authors=2):
    """Two judges score the contest; entry 1 wins Giải Nhất, 2 Nhì, 3 Nhì (default 1/2/3/4)."""
    with factory.writing() as session:
        for number, entry_id in enumerate(contest.entries):
            initiative = session.get(Entry, entry_id).initiative
            initiative.authors = [
                Author(
                    position=p, full_name=AUTHORS[(number + p) % 5], contribution_pct=Decimal(50)
                )
                for p in range(1, authors + 1)
            ]
    keys = [key for key, _max in contest.criteria]
    for code in ("GK01", "GK02"):
        judge = factory.judge(contest.event, code=code, name=f"Thành viên {code}")
        for entry, values in zip(
            contest.entries,
            [(18, 23, 23, 18, 9), (15, 20, 20, 15, 8), (12, 15, 15, 12, 6)],
            strict=True,
        ):
            payload = {
                "id": str(uuid.uuid4()),
                "entry": entry,
                "scores": dict(zip(keys, values, strict=True)),
                "submit": True,
            }
            answer = client.post(
                "/api/v1/scoresheets",
                json=payload,
                headers={"Authorization": f"Bearer {judge.token}"},
            )
            assert answer.status_code == 201


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def issue(app, manager, contest, tier="union"):
    """Issue the certificates; once the batch's job has ended, the answer."""
    page = manager.get(f"/manage/{contest.slug}/paperwork")
    answer = manager.post(
        f"/manage/{contest.slug}/certificates", data={"csrf_token": csrf_of(page), "tier": tier}
    )
    if answer.status_code == 302:
        finished(app, answer.headers["Location"].rsplit("/", 1)[-1])
    return answer


def certificates_of(app, contest):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalars(
            select(Certificate)
            .where(Certificate.event_id == contest.event.id)
            .order_by(Certificate.id)
        ).all()


def seal_round(app, contest, digest="ab" * 32):
    with app.app_context(), db.unit_of_work(write=True) as session:
        round_id = session.scalar(select(Round.id).where(Round.event_id == contest.event.id))
        seal = Seal(round_id=round_id, document="{}", sha256=digest, sealed_by="organiser:1")
        session.add(seal)
        session.flush()
        return seal.id


@pytest.fixture
def manager(contest, organiser_client):
    return organiser_client(contest.event, EventRole.MANAGER)


def test_issuing_prints_a_batch_in_a_job_and_each_code_verifies(
    app, factory, client, contest, manager
):
    award_winning(factory, client, contest)
    seal_id = seal_round(app, contest)
    answer = issue(app, manager, contest)
    assert answer.status_code == 302 and "/jobs/" in answer.headers["Location"]
    found = certificates_of(app, contest)
    assert [c.prize for c in found] == ["first", "second", "second"]
    assert all(c.seal_id == seal_id and len(c.code) == 10 for c in found)
    assert found[0].recipient == "Trần Thị Thu Hà, Lê Minh Tuấn"  # one for the team

    job = finished(app, answer.headers["Location"].rsplit("/", 1)[-1])
    assert job.status == JobStatus.DONE, job.error
    assert (job.done, job.total) == (3, 3) and job.result["download"] is True
    download = manager.get(job.result["url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    pages = pages_of(download.data)
    assert len(pages) == 3
    assert "Trần Thị Thu Hà, Lê Minh Tuấn" in pages[0] and "Chứng nhận nhóm tác giả" in pages[0]

    good = client.get(f"/verify/{found[0].code}")
    text = good.get_data(as_text=True)
    assert good.status_code == 200
    assert "Giấy chứng nhận hợp lệ" in text and "Trần Thị Thu Hà, Lê Minh Tuấn" in text
    assert "Giải Nhất" in text and "Sáng kiến số 1" in text and "ab" * 32 in text
    assert "đang có hiệu lực" in text
    assert f"<dd>{spaced_code(found[0].code)}</dd>" in text  # as printed on the certificate
    # As typed off paper: lower case, with the dash.
    typed = spaced_code(found[0].code).lower()
    assert client.get(f"/verify/{typed}").status_code == 200


def test_a_changed_or_unknown_code_says_so(app, factory, client, contest, manager):
    award_winning(factory, client, contest)
    issue(app, manager, contest)
    code = certificates_of(app, contest)[0].code
    changed = code[:-1] + ("A" if code[-1] != "A" else "B")
    for wrong in (changed, "KHONGCOMA0", "<script>"):
        answer = client.get(f"/verify/{wrong}")
        assert answer.status_code == 404
        assert "Không có giấy chứng nhận nào mang mã" in answer.get_data(as_text=True)


def test_a_reopened_round_shows_on_the_verify_page(app, factory, client, contest, manager):
    award_winning(factory, client, contest)
    seal_id = seal_round(app, contest)
    issue(app, manager, contest)
    with app.app_context(), db.unit_of_work(write=True) as session:
        seal = session.get(Seal, seal_id)
        seal.reopened_at = seal.sealed_at
    code = certificates_of(app, contest)[0].code
    assert "niêm phong này không còn hiệu lực" in client.get(f"/verify/{code}").get_data(
        as_text=True
    )


def test_issuing_again_keeps_codes_and_per_author_revokes_the_team_ones(
    app, factory, client, contest, manager
):
    award_winning(factory, client, contest)
    issue(app, manager, contest)
    first = {c.code for c in certificates_of(app, contest)}
    issue(app, manager, contest)
    assert {c.code for c in certificates_of(app, contest)} == first
    page = manager.get(f"/manage/{contest.slug}/paperwork")
    form = {"csrf_token": csrf_of(page), "per_author": "1", "place": "Đà Nẵng"}
    assert manager.post(f"/manage/{contest.slug}/paperwork", data=form).status_code == 302
    issue(app, manager, contest)
    found = certificates_of(app, contest)
    standing = [c for c in found if c.revoked_at is None]
    assert len(standing) == 6 and {c.recipient for c in standing} >= {"Trần Thị Thu Hà"}
    revoked = [c for c in found if c.revoked_at is not None]
    assert {c.code for c in revoked} == first
    assert "đã bị thu hồi" in client.get(f"/verify/{revoked[0].code}").get_data(as_text=True)


def test_no_winner_no_certificate(app, contest, manager):
    answer = issue(app, manager, contest)
    assert answer.status_code == 422
    assert "Chưa có bài nào đạt giải" in answer.get_data(as_text=True)


def png_of(size, mode="RGB", kind="PNG"):
    buffer = io.BytesIO()
    Image.new(mode, size, (0, 82, 155) if mode == "RGB" else 0).save(buffer, format=kind)
    return buffer.getvalue()


def test_a_logo_is_checked_and_resized(app, contest, manager):
    page = manager.get(f"/manage/{contest.slug}/paperwork")
    url = f"/manage/{contest.slug}/paperwork/logo"
    form = {"csrf_token": csrf_of(page), "logo": (io.BytesIO(b"not an image"), "logo.png")}
    refused = manager.post(url, data=form, content_type="multipart/form-data")
    assert refused.status_code == 422 and "Không đọc được ảnh logo" in refused.get_data(
        as_text=True
    )
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    form = {"csrf_token": csrf_of(page), "logo": (io.BytesIO(gif.getvalue()), "logo.gif")}
    refused = manager.post(url, data=form, content_type="multipart/form-data")
    assert "Logo phải là ảnh PNG hoặc JPEG" in refused.get_data(as_text=True)
    form = {
        "csrf_token": csrf_of(page),
        "logo": (io.BytesIO(png_of((1600, 800), kind="JPEG")), "l.jpg"),
    }
    assert manager.post(url, data=form, content_type="multipart/form-data").status_code == 302
    shown = manager.get(f"/manage/{contest.slug}/paperwork").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in shown
    with app.app_context(), db.unit_of_work() as session:
        event = session.get(Event, contest.event.id)
        logo = paperwork.logo_png(paperwork.settings(session, event))
    assert Image.open(io.BytesIO(logo)).size == (600, 300)


def test_the_minutes_print_the_jury_the_standings_and_the_seals(
    app, factory, client, contest, manager
):
    with app.app_context(), db.unit_of_work(write=True) as session:
        event = session.get(Event, contest.event.id)
        event.venue = "Trung tâm Hội nghị Quốc gia, Hà Nội"
        event.held_on = date(2026, 1, 5)
    factory.judge(contest.event, code="GK09", name="Hoàng Thị Lan Anh", is_chair=True)
    award_winning(factory, client, contest)
    page = manager.get(f"/manage/{contest.slug}/paperwork")
    form = {"csrf_token": csrf_of(page), "secretary": "Đặng Ngọc Ánh"}
    manager.post(f"/manage/{contest.slug}/paperwork", data=form)
    answer = manager.get(f"/manage/{contest.slug}/minutes.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = "\n".join(pages_of(answer.data))
    for expected in (
        "BIÊN BẢN",
        "Họp Hội đồng chấm thi",
        "Thời gian: ngày 05/01/2026.",
        "Địa điểm: Trung tâm Hội nghị Quốc gia, Hà Nội.",
        "Hoàng Thị Lan Anh: Chủ tịch Hội đồng, Chuyên gia kỹ thuật",
        "Thành viên GK01",
        "Trung bình cộng",
        "Sáng kiến số 1",
        "91,00",
        "Giải Nhất: Sáng kiến số 1",
        "Vòng chung khảo: chưa khóa.",
        "Hà Nội, ngày 05 tháng 01 năm 2026",
        "CHỦ TỊCH HỘI ĐỒNG",
        "THƯ KÝ",
        "Đặng Ngọc Ánh",
    ):
        assert expected in text, (expected, text)
    seal_round(app, contest, "cd" * 32)
    text = "\n".join(pages_of(manager.get(f"/manage/{contest.slug}/minutes.pdf").data))
    assert "cd" * 32 in text and "chưa khóa" not in text


def test_the_minutes_say_what_each_reason_was_given_for(app, factory, client, contest):
    award_winning(factory, client, contest)
    with app.app_context(), db.unit_of_work(write=True) as session:
        event = session.get(Event, contest.event.id)
        entry = session.get(Entry, contest.entries[0])
        sheet = session.scalars(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id)).first()
        audit.record(
            session,
            "organiser:1",
            "initiative.listed",
            f"initiative:{entry.initiative_id}",
            event_id=event.id,
            reason="import",
        )  # not the jury's matter
        audit.record(
            session,
            "judge:9",
            "sheet.outlier_resolved",
            f"score_sheet:{sheet.id}",
            event_id=event.id,
            reason="Giám khảo giữ điểm",
        )
        first_round = session.get(Round, entry.round_id)
        audit.record(
            session,
            "organiser:1",
            "entry.withdrawn",
            f"entry:{entry.id}",
            event_id=event.id,
            reason="Tác giả xin rút",
        )
        audit.record(
            session,
            "organiser:1",
            "round.reopened",
            f"round:{first_round.id}",
            event_id=event.id,
            reason="Nhập thiếu một phiếu",
        )
        audit.record(
            session,
            "organiser:1",
            "event.status",
            f"event:{event.id}",
            event_id=event.id,
            reason="Chờ Ban Tổ chức duyệt",
        )
        title, round_name = entry.initiative.title, first_round.name
        judge = sheet.judge.name
    with app.test_request_context(), db.unit_of_work() as session:
        lines = paperwork.minutes_of(session, session.get(Event, contest.event.id)).resolutions
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"Ghi nhận phiếu lệch “{judge} – {title}”: Giám khảo giữ điểm",
        f"Rút bài dự thi “{title}”: Tác giả xin rút",
        f"Mở lại vòng thi “{round_name}”: Nhập thiếu một phiếu",
        "Đổi trạng thái sự kiện: Chờ Ban Tổ chức duyệt",
    ]


def test_who_may_have_the_paperwork(factory, contest, organiser_client, judge_client):
    chair = factory.judge(contest.event, name="Phạm Quốc Bảo", is_chair=True)
    assert judge_client(chair).get(f"/manage/{contest.slug}/minutes.pdf").status_code == 200
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    assert viewer.get(f"/manage/{contest.slug}/minutes.pdf").status_code == 403
    assert viewer.get(f"/manage/{contest.slug}/paperwork").status_code == 403
