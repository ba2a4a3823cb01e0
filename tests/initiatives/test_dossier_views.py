"""The dossiers' pages by role: the worker's public start page and personal link, the support
team's queue and dossier page, the teams kept by administrators and events' owners."""

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import db
from core.models import AuditLog, Event, Organiser
from initiatives.models import (
    Attachment,
    AttachmentKind,
    Dossier,
    DossierState,
    SupportMember,
    attachments_folder,
)
from tests.kiosk.photos import picture

FORM = {
    "title": "Giá đỡ nâng máy biến áp phân phối không cần xe cẩu",
    "solution_type": "technical",
    "first_applied_on": "05/03/2025",
    "solution": "Giá đỡ thép gập, nâng bằng kích thủy lực.",
    "benefit": "150.000.000",
    "confidential": "Bản vẽ chi tiết khớp gập",
    "author-1-name": "Bùi Đức Thắng",
    "author-1-share": "60",
    "author-2-name": "Đỗ Thị Mai Phương",
    "author-2-share": "30",
}


@pytest.fixture
def unit(factory):
    return factory.unit(name="Công ty Điện lực Quảng Nam")


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False


def member_client(app, factory, unit):
    organiser = factory.organiser()
    with factory.writing() as session:
        session.add(SupportMember(unit_id=unit.id, organiser_id=organiser.id))
    signed_in = app.test_client()
    with signed_in.session_transaction() as session:
        session["_user_id"] = organiser.get_id()
    return signed_in


def start(client, unit, **changes):
    """The worker starts and submits a dossier; their personal link's path."""
    answer = client.post(
        "/dossier/new", data=FORM | {"unit": str(unit.id), "submit": "1"} | changes
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return answer.headers["Location"]


def only_dossier(app):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalars(select(Dossier)).one()


def test_the_start_page_says_what_is_wrong_and_saves_nothing(app, client, unit, no_csrf):
    assert client.get("/dossier/new").status_code == 200
    answer = client.post("/dossier/new", data={"unit": str(unit.id), "author-1-share": "50"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Hãy nhập tên sáng kiến." in page and "Hãy nhập họ và tên." in page
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalars(select(Dossier)).all() == []


def test_the_personal_link_shows_state_and_what_is_missing(app, client, unit, no_csrf):
    link = start(client, unit)
    assert re.fullmatch(r"/d/[A-Za-z0-9_-]{32}", link)
    page = client.get(link).get_data(as_text=True)
    assert "Đã nộp" in page and FORM["title"] in page
    assert "90%" in page  # the shares do not add up
    assert link in page and "data:image/svg+xml" in page  # the link to keep, and its QR code
    assert client.get("/d/not-a-personal-link").status_code == 404
    dossier = only_dossier(app)
    assert client.get(f"{link}/{dossier.id + 1}").status_code == 404


def test_a_submitted_dossier_cannot_be_corrected_by_the_worker(app, client, unit, no_csrf):
    link = start(client, unit)
    dossier = only_dossier(app)
    answer = client.post(f"{link}/{dossier.id}", data=FORM | {"unit": str(unit.id)})
    assert answer.status_code == 409
    assert "chỉ sửa được khi là nháp hoặc bị trả lại" in answer.get_data(as_text=True)


def test_the_support_team_returns_it_and_the_worker_corrects_it(
    app, client, factory, unit, no_csrf
):
    link = start(client, unit)
    dossier = only_dossier(app)
    team = member_client(app, factory, unit)
    queue = team.get("/manage/dossiers").get_data(as_text=True)
    assert FORM["title"] in queue and 'data-testid="waits"' in queue
    page = team.get(f"/manage/dossiers/{dossier.id}").get_data(as_text=True)
    assert "90%" in page and FORM["confidential"] in page
    assert team.post(f"/manage/dossiers/{dossier.id}/support").status_code == 302
    note = "Chị Phương nói phần của anh Hùng chưa ghi."
    assert (
        team.post(f"/manage/dossiers/{dossier.id}/comments", data={"body": note}).status_code == 302
    )
    refused = team.post(f"/manage/dossiers/{dossier.id}/complete")
    assert refused.status_code == 409 and "Hồ sơ chưa đủ" in refused.get_data(as_text=True)
    reason = "Bổ sung tỷ lệ đóng góp của đồng tác giả thứ ba."
    assert (
        team.post(f"/manage/dossiers/{dossier.id}/return", data={"reason": reason}).status_code
        == 302
    )
    mine = client.get(f"{link}/{dossier.id}").get_data(as_text=True)
    assert reason in mine and note not in mine and "Trả lại" in mine
    fixed = FORM | {
        "unit": str(unit.id),
        "author-3-name": "Nguyễn Văn Hùng",
        "author-3-share": "10",
    }
    assert client.post(f"{link}/{dossier.id}", data=fixed).status_code == 302
    assert client.post(f"{link}/{dossier.id}/submit").status_code == 302
    assert "90%" not in client.get(link).get_data(as_text=True)
    team.post(f"/manage/dossiers/{dossier.id}/support")
    assert team.post(f"/manage/dossiers/{dossier.id}/complete").status_code == 302
    decision = {
        "recognition_level": "base",
        "decision_number": "125/QĐ-PCQNA",
        "decision_date": "05/12/2025",
    }
    assert team.post(f"/manage/dossiers/{dossier.id}/recognise", data=decision).status_code == 302
    assert "125/QĐ-PCQNA" in client.get(link).get_data(as_text=True)
    page = team.get(f"/manage/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Đã công nhận" in page and note in page
    assert "Đỗ Thị Mai Phương 30%, Nguyễn Văn Hùng 10%" in page  # the correction, in the audit
    for action in ("Nộp hồ sơ", "Nhận hỗ trợ", "Trả lại hồ sơ", "Sửa hồ sơ", "Công nhận"):
        assert action in page
    # The library's record leads the team to the dossier; a reader without an account sees none.
    record = team.get(f"/library/{dossier.initiative_id}").get_data(as_text=True)
    assert f'href="/manage/dossiers/{dossier.id}"' in record
    assert "Hồ sơ công nhận: Đã công nhận" in record
    assert 'data-testid="dossier"' not in client.get(f"/library/{dossier.initiative_id}").get_data(
        as_text=True
    )


def test_a_recognition_without_its_decision_is_refused_on_the_page(
    app, client, factory, unit, no_csrf
):
    start(client, unit, **{"author-2-share": "40"})
    dossier = only_dossier(app)
    team = member_client(app, factory, unit)
    team.post(f"/manage/dossiers/{dossier.id}/support")
    team.post(f"/manage/dossiers/{dossier.id}/complete")
    answer = team.post(
        f"/manage/dossiers/{dossier.id}/recognise", data={"decision_date": "31/02/2025"}
    )
    assert answer.status_code == 422
    ahead = {
        "recognition_level": "unit",
        "decision_number": "12/QĐ",
        "decision_date": (date.today() + timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    answer = team.post(f"/manage/dossiers/{dossier.id}/recognise", data=ahead)
    assert answer.status_code == 422
    assert "Ngày quyết định không thể sau hôm nay." in answer.get_data(as_text=True)
    assert only_dossier(app).state == DossierState.COMPLETE


def test_the_worker_adds_a_photo_and_a_pdf(app, client, unit, no_csrf):
    link = start(client, unit)
    dossier = only_dossier(app)
    files = [(io.BytesIO(picture()), "giá-đỡ.png"), (io.BytesIO(b"%PDF-1.4 test"), "biên bản.pdf")]
    answer = client.post(
        f"{link}/{dossier.id}/files", data={"files": files}, content_type="multipart/form-data"
    )
    assert answer.status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        found = session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [a.kind for a in found] == [AttachmentKind.PHOTO, AttachmentKind.DOCUMENT]
        assert found[1].caption == "biên bản.pdf"
        assert (attachments_folder() / found[0].path).is_file()
    assert client.get(f"{link}/{dossier.id}/files/{found[1].id}").data == b"%PDF-1.4 test"
    assert client.get(f"{link}/{dossier.id}/files/{found[0].id}?small=1").mimetype == "image/jpeg"
    bad = [(io.BytesIO(b"not a picture"), "x.exe")]
    refused = client.post(
        f"{link}/{dossier.id}/files", data={"files": bad}, content_type="multipart/form-data"
    )
    assert refused.status_code == 302
    said = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "“x.exe” không phải tệp PDF, hay ảnh JPEG, PNG hoặc WebP đọc được." in said
    with app.app_context(), db.unit_of_work() as session:
        assert len(session.scalars(select(Attachment)).all()) == 2


def test_another_units_member_and_other_organisers_are_refused(
    app, client, factory, unit, organiser_client, no_csrf
):
    start(client, unit)
    dossier = only_dossier(app)
    elsewhere = member_client(app, factory, factory.unit(name="Công ty Điện lực Quảng Ngãi"))
    assert FORM["title"] not in elsewhere.get("/manage/dossiers").get_data(as_text=True)
    assert elsewhere.get(f"/manage/dossiers/{dossier.id}").status_code == 403
    assert elsewhere.post(f"/manage/dossiers/{dossier.id}/support").status_code == 403
    assert organiser_client().get("/manage/dossiers").status_code == 403
    admin = organiser_client(admin=True)
    assert FORM["title"] in admin.get("/manage/dossiers").get_data(as_text=True)


def test_the_queue_link_shows_for_members_and_administrators(app, factory, unit, organiser_client):
    team = member_client(app, factory, unit)
    assert "/manage/dossiers" in team.get("/manage/").get_data(as_text=True)
    assert "/manage/dossiers" not in organiser_client().get("/manage/").get_data(as_text=True)


def test_administrators_keep_the_teams(app, factory, unit, organiser_client, no_csrf):
    colleague = factory.organiser()
    admin = organiser_client(admin=True)
    added = admin.post(
        "/manage/dossiers/team", data={"unit": str(unit.id), "email": colleague.email}
    )
    assert added.status_code == 302
    again = admin.post(
        "/manage/dossiers/team", data={"unit": str(unit.id), "email": colleague.email}
    )
    assert again.status_code == 422 and "đã ở trong Tổ hỗ trợ" in again.get_data(as_text=True)
    unknown = admin.post("/manage/dossiers/team", data={"unit": str(unit.id), "email": "x@y.vn"})
    assert unknown.status_code == 422
    assert colleague.email in admin.get("/manage/dossiers/team").get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        member_id = session.scalars(select(SupportMember.id)).one()
    removed = admin.post(f"/manage/dossiers/team/{member_id}/remove")
    assert removed.status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalars(select(SupportMember)).all() == []
        actions = session.scalars(
            select(AuditLog.action).where(AuditLog.subject == f"unit:{unit.id}")
        )
        assert list(actions) == ["support.member_added", "support.member_removed"]


def test_an_events_owner_cannot_join_a_units_support_team(
    app, client, unit, organiser_client, no_csrf
):
    """Any organiser may create an event for any unit and own it: owning an event gives no way
    into that unit's support team, which reads its dossiers' confidential information."""
    start(client, unit, **{"author-2-share": "40"})
    dossier = only_dossier(app)
    plain = organiser_client()
    created = plain.post(
        "/manage/new",
        data={"name": "Sự kiện của tôi", "unit": str(unit.id), "held_on": "01/06/2026"},
    )
    assert created.status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        slug = session.scalars(select(Event.slug)).one()
        email = session.scalars(select(Organiser.email)).one()
    joined = plain.post(f"/manage/{slug}/support-team", data={"email": email})
    assert joined.status_code == 404
    assert "support-team" not in plain.get(f"/manage/{slug}/").get_data(as_text=True)
    assert plain.get("/manage/dossiers/team").status_code == 403
    assert plain.get(f"/manage/dossiers/{dossier.id}").status_code == 403
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalars(select(SupportMember)).all() == []


def test_starting_dossiers_is_limited_per_address(app, client, unit, no_csrf):
    app.config["DOSSIER_START_LIMIT_PER_ADDRESS"] = "2 per hour"
    start(client, unit)
    start(client, unit, title="Cẩm nang hiện trường xe cẩu 3 trong 1")
    answer = client.post("/dossier/new", data=FORM | {"unit": str(unit.id)})
    assert answer.status_code == 429


def test_a_dossier_reaches_the_library_and_the_roll_up_only_once_recognised(
    app, client, factory, unit, organiser_client, no_csrf
):
    """Nobody has checked what a worker wrote until the dossier is recognised: readers without an
    account, the roll-up file and the reports' counts do not see it before."""
    from initiatives.rollup import library

    link = start(client, unit)
    dossier = only_dossier(app)
    sent = client.post(
        f"{link}/{dossier.id}/files",
        data={"files": (io.BytesIO(b"%PDF-1.4 ban ve"), "ban-ve.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    with app.app_context():
        attachment = db.session().scalars(select(Attachment)).one()
    record = f"/library/{dossier.initiative_id}"
    stranger = app.test_client()

    def rolled_up() -> list[str]:
        with app.test_request_context():
            return [row["title"] for row in library(db.session(), "k")["initiatives"]]

    assert FORM["title"] not in stranger.get("/library").get_data(as_text=True)
    assert FORM["title"] not in stranger.get("/library/export.json").get_data(as_text=True)
    assert stranger.get(record).status_code == 404
    assert stranger.get(f"{record}/files/{attachment.id}").status_code == 404
    assert FORM["title"] not in rolled_up()
    assert organiser_client(admin=True).get(record).status_code == 200

    team = member_client(app, factory, unit)
    fixed = FORM | {
        "unit": str(unit.id),
        "author-3-name": "Nguyễn Văn Hùng",
        "author-3-share": "10",
    }
    team.post(f"/manage/dossiers/{dossier.id}/support")
    team.post(f"/manage/dossiers/{dossier.id}/return", data={"reason": "Thiếu tỷ lệ đóng góp"})
    client.post(f"{link}/{dossier.id}", data=fixed)
    client.post(f"{link}/{dossier.id}/submit")
    team.post(f"/manage/dossiers/{dossier.id}/support")
    team.post(f"/manage/dossiers/{dossier.id}/complete")
    decision = {
        "recognition_level": "base",
        "decision_number": "7/QĐ",
        "decision_date": "05/12/2025",
    }
    assert team.post(f"/manage/dossiers/{dossier.id}/recognise", data=decision).status_code == 302
    assert stranger.get(record).status_code == 200
    assert FORM["title"] in rolled_up()


def test_an_assignee_that_names_nobody_is_refused_not_read_as_nobody(
    app, client, factory, unit, no_csrf
):
    start(client, unit)
    dossier = only_dossier(app)
    team = member_client(app, factory, unit)
    assert team.post(f"/manage/dossiers/{dossier.id}/support").status_code == 302
    assert only_dossier(app).assignee_id is not None
    for sent in (str(2**70), "abc", "999999"):
        answer = team.post(f"/manage/dossiers/{dossier.id}/assign", data={"assignee": sent})
        assert answer.status_code == 422, sent
        assert "không ở trong Tổ hỗ trợ" in answer.get_data(as_text=True)
        assert only_dossier(app).assignee_id is not None
    emptied = team.post(f"/manage/dossiers/{dossier.id}/assign", data={"assignee": ""})
    assert emptied.status_code == 302
    assert only_dossier(app).assignee_id is None


def test_a_body_bigger_than_usual_is_read_only_for_a_link_that_opens_the_dossier(
    app, client, unit, no_csrf
):
    """Any other path keeps the usual 2 MB limit (refused before the body is read, even with a
    link of the tokens' form); the dossier's own link may send a few files' worth, never the
    whole dossier's."""
    link = start(client, unit)
    dossier = only_dossier(app)
    usual = app.config["MAX_CONTENT_LENGTH"]
    body = b"x" * (usual + 1)
    for path in (
        f"/d/not-a-link/{dossier.id}/files",
        f"/d/{'A' * 31}/{dossier.id}/files",
        f"/d/{'A' * 32}/{dossier.id}/files",
        f"{link}/{dossier.id + 1}/files",
    ):
        refused = client.post(path, data=body, content_type="application/octet-stream")
        assert refused.status_code == 413, path
    taken = client.post(
        f"{link}/{dossier.id}/files", data=body, content_type="application/octet-stream"
    )
    assert taken.status_code == 302  # read, then no file found in it
    assert app.config["DOSSIER_UPLOAD_LIMIT"] < 4 * 8 * 1024 * 1024
    huge = b"x" * (app.config["DOSSIER_UPLOAD_LIMIT"] + 1)
    refused = client.post(
        f"{link}/{dossier.id}/files", data=huge, content_type="application/octet-stream"
    )
    assert refused.status_code == 413


def test_files_are_sent_a_few_at_a_time_up_to_the_dossiers_total(app, client, unit, no_csrf):
    link = start(client, unit)
    dossier = only_dossier(app)

    def send(count):
        files = [(io.BytesIO(b"%PDF-1.4 test"), f"tài liệu {n}.pdf") for n in range(count)]
        answer = client.post(
            f"{link}/{dossier.id}/files",
            data={"files": files},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        return answer.get_data(as_text=True)

    def kept():
        with app.app_context(), db.unit_of_work() as session:
            return len(session.scalars(select(Attachment)).all())

    assert "Mỗi lần gửi tối đa 3 tệp" in send(4)
    assert kept() == 0
    for _ in range(3):
        assert "Đã thêm 3 tệp." in send(3)
    assert "Mỗi hồ sơ có tối đa 10 tệp." in send(2)
    assert "Đã thêm 1 tệp." in send(1)
    assert kept() == 10


def test_sending_files_is_limited_per_address(app, client, unit, no_csrf):
    app.config["DOSSIER_FILES_LIMIT_PER_ADDRESS"] = "2 per hour"
    link = start(client, unit)
    dossier = only_dossier(app)
    path = f"{link}/{dossier.id}/files"
    for _ in range(2):
        files = {"files": (io.BytesIO(b"%PDF-1.4 test"), "a.pdf")}
        assert client.post(path, data=files, content_type="multipart/form-data").status_code == 302
    files = {"files": (io.BytesIO(b"%PDF-1.4 test"), "a.pdf")}
    refused = client.post(path, data=files, content_type="multipart/form-data")
    assert refused.status_code == 429
