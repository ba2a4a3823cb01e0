"""The results as files: the workbook read back with openpyxl, the CSV tables, who may have them."""

import csv
import io
import uuid

from openpyxl import load_workbook

from core.models import EventRole
from scoring.models import Entry

SCORES = {
    # judge -> entry index -> scores on the default rubric (novelty 20, effectiveness 25,
    # benefit 25, replicability 20, pitch 10); totals out of 100 are their sums.
    "GK01": [(18, 23, 23, 18, 9), (10, 13, 13, 10, 5), (15, 20, 20, 15, 8)],
    "GK02": [(16, 21, 21, 16, 8), (12, 15, 15, 12, 6), (14, 18, 18, 14, 7)],
}


def scored(factory, client, contest):
    """Two judges score the three entries; the first initiative has a benefit in đồng."""
    with factory.writing() as session:
        initiative = session.get(Entry, contest.entries[0]).initiative
        initiative.benefit_vnd = 1_200_000_000
    keys = [key for key, _max in contest.criteria]
    for code, rows in SCORES.items():
        judge = factory.judge(contest.event, code=code, name=f"Giám khảo {code[-1]}")
        for entry, values in zip(contest.entries, rows, strict=True):
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


def test_the_workbook_holds_four_tables_of_numbers(factory, client, contest, organiser_client):
    scored(factory, client, contest)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    answer = manager.get(f"/manage/{contest.slug}/results.xlsx")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Xếp hạng", "Theo giám khảo", "Theo tiêu chí", "Phiếu chấm điểm"]

    standings = list(book["Xếp hạng"].values)
    header = standings[0]
    assert header[:4] == ("Hạng", "Bài dự thi", "Đơn vị", "Điểm (Trung bình cộng)")
    assert "Số phiếu" in header and "Độ lệch chuẩn" in header and "Giải" in header
    first = dict(zip(header, standings[1], strict=True))
    assert first["Hạng"] == 1 and first["Bài dự thi"] == "Sáng kiến số 1"
    assert first["Điểm (Trung bình cộng)"] == 86.5 and isinstance(first["Số phiếu"], int)
    assert (first["Thấp nhất"], first["Cao nhất"], first["Độ lệch chuẩn"]) == (82, 91, 4.5)
    assert first["Giải"] == "Giải Nhất"
    assert first["Giá trị làm lợi (đồng/năm)"] == 1_200_000_000
    assert book["Xếp hạng"].cell(2, len(header)).number_format == "#,##0"

    judges = list(book["Theo giám khảo"].values)
    assert judges[0] == ("Bài dự thi", "GK01 Giám khảo 1", "GK02 Giám khảo 2")
    assert judges[1] == ("Sáng kiến số 1", 91, 82)
    assert all(isinstance(value, int | float) for row in judges[1:] for value in row[1:])

    criteria = list(book["Theo tiêu chí"].values)
    assert criteria[0][:3] == ("Bài dự thi", "Số phiếu", "Tính mới, tính sáng tạo")
    assert criteria[1][:3] == ("Sáng kiến số 1", 2, 17)

    sheets = list(book["Phiếu chấm điểm"].values)
    assert sheets[0][-1] == "Tổng điểm" and len(sheets) == 7
    assert sheets[1] == ("Sáng kiến số 1", "GK01 Giám khảo 1", 18, 23, 23, 18, 9, 91)


def test_each_table_as_csv(factory, client, contest, organiser_client):
    scored(factory, client, contest)
    manager = organiser_client(contest.event, EventRole.OWNER)
    answer = manager.get(f"/manage/{contest.slug}/results/standings.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Hạng", "Bài dự thi"]
    assert rows[1][1] == "Sáng kiến số 1" and rows[1][-1] == "1200000000"
    assert manager.get(f"/manage/{contest.slug}/results/judges.csv").status_code == 200
    assert manager.get(f"/manage/{contest.slug}/results/secrets.csv").status_code == 404


def test_the_chair_may_download_a_viewer_may_not(factory, contest, organiser_client, judge_client):
    chair = factory.judge(contest.event, name="Phạm Quốc Bảo", is_chair=True)
    assert judge_client(chair).get(f"/manage/{contest.slug}/results.xlsx").status_code == 200
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    assert viewer.get(f"/manage/{contest.slug}/results.xlsx").status_code == 403


def test_an_entry_without_sheets_has_empty_cells_not_zeros(contest, organiser_client):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    book = load_workbook(io.BytesIO(manager.get(f"/manage/{contest.slug}/results.xlsx").data))
    (header, *rows) = list(book["Xếp hạng"].values)
    first = dict(zip(header, rows[0], strict=True))
    assert first["Hạng"] is None and first["Điểm (Trung bình cộng)"] is None
    assert first["Số phiếu"] == 0


def test_the_results_page_links_the_downloads(contest, organiser_client):
    page = organiser_client(contest.event, EventRole.MANAGER).get(f"/manage/{contest.slug}/results")
    text = page.get_data(as_text=True)
    assert f'href="/manage/{contest.slug}/results.xlsx" download' in text
    assert f'href="/manage/{contest.slug}/results/criteria.csv" download' in text
