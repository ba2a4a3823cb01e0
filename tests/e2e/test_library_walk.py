"""The library's Done-when, tried as a new user would, in the browser on fresh installs:

- import 2,000 initiatives from two units (one with a sub-unit) over three years, from the import
  template's headers, through the organiser's import page and its jobs;
- search without diacritics, filter by a unit's subtree and a year, open a record, export XLSX;
- the programme dashboard's figures match a count the test makes from its own rows;
- a near-duplicate in the same unit is flagged, one in another unit is linked as replication;
- a reader without an account reads the library, a record, and exports, until the administrator
  closes the library to the Ban Tổ chức;
- the roll-up: two units' signed files imported into a fresh instance give the sum without
  duplicates; importing one twice changes nothing; a file with one changed byte is refused. The
  job's page shows the progress and what happened.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.admin_imports import COLUMNS as UNIT_COLUMNS
from initiatives.imports import COLUMNS
from initiatives.rollup import public_hex, sign
from tests.e2e.server import Server
from tests.e2e.test_walkthrough import first_run, spreadsheet

pytestmark = pytest.mark.browser

COUNT = 2000
UNITS = [
    ["EVNCPC", "Tổng công ty Điện lực miền Trung", "", "9500"],
    ["PCQNAM", "Công ty Điện lực Quảng Nam", "EVNCPC", "1200"],
    ["DLHOIAN", "Điện lực Hội An", "PCQNAM", "150"],
    ["PCDN", "Công ty TNHH MTV Điện lực Đà Nẵng", "EVNCPC", "1100"],
]
PARENT = {code: parent for code, _name, parent, _staff in UNITS}
# Where each initiative comes from, in turn: two units, one of them through its sub-unit too.
FROM = ["PCDN", "PCQNAM", "PCDN", "DLHOIAN"]
YEARS = (2024, 2025, 2026)
PROGRAMME = (2025, 2026, 2027, 2028)
TOPICS = [
    "Tiết kiệm điện tự dùng",
    "Giảm tổn thất điện năng",
    "Robot vệ sinh sứ cách điện",
    "Xe thang nâng hạ máy biến áp",
    "Phần mềm quản lý lưới điện",
    "Chụp chống chim đầu cột",
    "Ghi chỉ số công tơ",
    "Đồ gá uốn cáp thép",
]
# Syllables for words that only one title has: the novelty check then finds no two of the
# generated titles alike, and none holds "tiet", "kiem" or "dien".
SYLLABLES = [
    "ba",
    "bo",
    "ca",
    "cu",
    "da",
    "do",
    "ga",
    "gi",
    "ha",
    "ho",
    "la",
    "lu",
    "ma",
    "mo",
    "na",
    "nu",
]
NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Thu Hà",
    "Lê Minh Tuấn",
    "Phạm Quốc Bảo",
    "Hoàng Thị Lan Anh",
    "Võ Thanh Tùng",
    "Đặng Ngọc Ánh",
    "Bùi Đức Thắng",
    "Đỗ Thị Mai Phương",
    "Huỳnh Tấn Phát",
    "Ngô Quang Vinh",
    "Dương Thị Hồng Nhung",
]
SHARES = {1: ["100"], 2: ["60", "40"], 3: ["50", "30", "20"]}
# The near-duplicates, imported after the others: the same unit (a novelty problem), then
# another unit (a replication).
ORIGINAL = "Thiết bị cảnh báo quá nhiệt tủ điện hạ thế bằng cảm biến IoT"
SAME_UNIT = "Thiết bị cảnh báo quá nhiệt tủ điện hạ thế bằng cảm biến IoT không dây"
OTHER_UNIT = "Cảnh báo quá nhiệt tủ điện hạ thế bằng cảm biến IoT"


@dataclass(frozen=True)
class Made:
    """One initiative of the file, as the test counts it by hand."""

    code: str
    title: str
    unit: str
    applied: date
    level: str
    decided: date | None
    authors: tuple[tuple[str, str], ...]  # (employee code, name)


def word(number: int, kind: int = 0) -> str:
    """A word of its own for each ``number`` below 4,096 and each ``kind``."""
    return SYLLABLES[kind] + "".join(SYLLABLES[(number >> shift) & 15] for shift in (8, 4, 0))


def made(number: int) -> Made:
    unit = FROM[number % 4]
    year = YEARS[number % 3]
    applied = date(year, 1 + number % 9, 1 + number % 27)
    recognised = number % 5 != 0
    undated = recognised and number % 25 == 1
    # Some are recognised the year after they were first applied: the year filter finds them in
    # either year, the programme counts them in the year of the decision. (No decision is dated
    # after the day the data was written: 2026's by October.)
    decided_year = year + 1 if number % 7 == 0 and year < YEARS[-1] else year
    decided = None if not recognised or undated else date(decided_year, 1 + number % 10, 15)
    team = 1 + number % 3
    pool = "PCQNAM" if unit in ("PCQNAM", "DLHOIAN") else "PCDN"
    first = (number * 7) % 300  # people author several initiatives, in either sub-unit
    authors = tuple(
        (f"{pool}-{(first + k) % 300:04d}", NAMES[(first + k) % 12]) for k in range(team)
    )
    tags = " ".join(word(number, kind) for kind in range(4))
    title = f"{TOPICS[number % len(TOPICS)]} {tags}"
    return Made(
        f"SK-{number + 1:05d}",
        title,
        unit,
        applied,
        "Cấp cơ sở" if recognised else "",
        decided,
        authors,
    )


def specials() -> list[Made]:
    people = (("PCQNAM-0900", "Huỳnh Tấn Phát"),)
    return [
        Made("SK-IOT-1", ORIGINAL, "PCQNAM", date(2025, 3, 1), "", None, people),
        Made("SK-IOT-2", SAME_UNIT, "PCQNAM", date(2026, 3, 1), "", None, people),
        Made(
            "SK-IOT-3",
            OTHER_UNIT,
            "PCDN",
            date(2026, 4, 1),
            "",
            None,
            (("PCDN-0900", "Bùi Đức Thắng"),),
        ),
    ]


def rows_of(initiatives: list[Made]) -> list[list[str]]:
    """The import template's rows: one per author, the initiative's columns on its first."""
    rows = []
    for one in initiatives:
        shares = SHARES[len(one.authors)]
        for position, (employee, name) in enumerate(one.authors):
            cells = {
                "code": one.code,
                "unit": one.unit,
                "solution_type": "Kỹ thuật",
                "author": name,
                "employee_code": employee,
                "contribution": shares[position],
            }
            if position == 0:
                cells |= {
                    "title": one.title,
                    "first_applied_on": one.applied.strftime("%d/%m/%Y"),
                    "benefit": "85.000.000",
                    "recognition_level": one.level,
                    "decision_number": f"{one.code}/QĐ" if one.level else "",
                    "decision_date": one.decided.strftime("%d/%m/%Y") if one.decided else "",
                    "confidential": "Sơ đồ nội bộ",
                }
            rows.append([cells.get(column.key, "") for column in COLUMNS])
    return rows


def below(unit: str, top: str) -> bool:
    """Is ``unit`` ``top`` or one of its sub-units?"""
    while unit:
        if unit == top:
            return True
        unit = PARENT[unit]
    return False


def by_hand(initiatives: list[Made]) -> dict[str, dict[str, Any]]:
    """The programme's figures per unit (with its sub-units) and for the whole ("all"): the
    recognised initiatives per year of decision, the cumulative count over the programme's
    years, and the people (by employee code) who authored them."""
    counted: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"per_year": dict.fromkeys(PROGRAMME, 0), "people": set()}
    )
    for one in initiatives:
        if not one.level or one.decided is None or one.decided.year not in PROGRAMME:
            continue
        for top in [code for code, *_rest in UNITS if below(one.unit, code)] + ["all"]:
            counted[top]["per_year"][one.decided.year] += 1
            counted[top]["people"].update(employee for employee, _name in one.authors)
    return {
        unit: {
            "per_year": figures["per_year"],
            "cumulative": sum(figures["per_year"].values()),
            "authors": len(figures["people"]),
        }
        for unit, figures in counted.items()
    }


def shown(number: int) -> str:
    """A count as the pages write it: 1.234."""
    return f"{number:,}".replace(",", ".")


def finished(page: Any) -> None:
    """Wait for the job on the page (2,000 initiatives take a while), then open what it offers."""
    expect(page.get_by_test_id("job-status")).to_have_text("Đã xong", timeout=600_000)
    page.locator("#job-result a").click()


def upload(page: Any, section: Any, path: Path) -> None:
    section.get_by_label(re.compile("Tệp .xlsx hoặc .csv")).set_input_files(str(path))
    section.get_by_role("button", name="Tải lên và kiểm tra").click()
    finished(page)


def write_checked(page: Any, count: int) -> None:
    page.get_by_text("Ghi vào dữ liệu").click()
    page.get_by_role("button", name=f"Xác nhận ghi {count} mục").click()
    finished(page)
    expect(page.get_by_test_id("import-outcome")).to_contain_text(f"{count} mục mới")


@pytest.fixture
def installs(tmp_path: Path):
    """The unit's instance the initiatives are imported into, and a corporation's fresh one."""
    unit, corporation = Server(tmp_path / "unit"), Server(tmp_path / "corporation")
    unit.folder.mkdir()
    corporation.folder.mkdir()
    unit.start()
    corporation.start()
    yield unit, corporation
    unit.stop()
    corporation.stop()


def test_two_thousand_initiatives_searched_filtered_exported_and_counted(
    installs, browser, tmp_path
):
    server, _corporation = installs
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    first_run(page, server.url)

    page.goto(f"{server.url}/manage/units/import")
    rows = [[column.label for column in UNIT_COLUMNS], *UNITS]
    upload(page, page, spreadsheet(tmp_path, "don-vi.xlsx", rows))
    write_checked(page, len(UNITS))

    page.goto(f"{server.url}/manage/")
    page.get_by_role("link", name="Tạo sự kiện").click()
    page.get_by_label("Tên sự kiện").fill("Ngày hội Lao động sáng tạo EVNCPC 2026")
    page.get_by_label("Ngày tổ chức").fill("20/11/2026")
    page.get_by_role("button", name="Tạo sự kiện").click()
    console = page.url

    initiatives = [made(number) for number in range(COUNT)] + specials()
    header = [column.label for column in COLUMNS]
    page.goto(console + "import")
    section = page.get_by_role("region", name="Sáng kiến và tác giả")
    upload(page, section, spreadsheet(tmp_path, "sang-kien.xlsx", [header, *rows_of(initiatives)]))
    write_checked(page, len(initiatives))

    # Search without diacritics.
    page.goto(f"{server.url}/library")
    page.get_by_label("Tìm theo tên, mã, tóm tắt, tác giả, đơn vị").fill("tiet kiem dien")
    page.get_by_role("button", name="Tìm", exact=True).click()
    saving = [one for one in initiatives if one.title.startswith("Tiết kiệm điện")]
    expect(page.get_by_test_id("library-total")).to_have_text(f"{shown(len(saving))} sáng kiến")

    # A unit's subtree and a year: first applied or recognised that year.
    page.get_by_label("Tìm theo tên, mã, tóm tắt, tác giả, đơn vị").fill("")
    units = page.get_by_label("Đơn vị (cả các đơn vị trực thuộc)")
    units.select_option(
        units.locator("option", has_text="Công ty Điện lực Quảng Nam").get_attribute("value")
    )
    page.get_by_label("Năm (áp dụng lần đầu hoặc công nhận)").fill("2025")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expected = {
        one.title
        for one in initiatives
        if below(one.unit, "PCQNAM")
        and 2025 in (one.applied.year, one.decided.year if one.decided else None)
    }
    expect(page.get_by_test_id("library-total")).to_have_text(f"{shown(len(expected))} sáng kiến")

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    saved = tmp_path / "thu-vien.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    headers = [cell.value for cell in sheet[1]]
    titles = {
        row[headers.index("Tên sáng kiến")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert titles == expected
    assert all(
        "Sơ đồ nội bộ" not in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
    )

    # A record.
    link = page.get_by_test_id("library-results").get_by_role("link").first
    title = link.inner_text()
    one = next(one for one in initiatives if one.title == title)
    link.click()
    expect(page.get_by_test_id("record-title")).to_have_text(title)
    for _employee, name in one.authors:
        expect(page.get_by_text(name, exact=False).first).to_be_visible()
    expect(page.get_by_text("Sơ đồ nội bộ")).to_have_count(0)

    # The programme's dashboard against the count by hand.
    counted = by_hand(initiatives)
    page.goto(f"{server.url}/manage/programme")
    expect(page.get_by_test_id("cumulative")).to_have_text(
        f"{shown(counted['all']['cumulative'])} / 10.000"
    )
    expect(page.get_by_test_id("authors")).to_have_text(shown(counted["all"]["authors"]))
    undated = sum(1 for one in initiatives if one.level and one.decided is None)
    expect(page.get_by_test_id("undated")).to_have_text(shown(undated))
    for unit in ("all", "EVNCPC", "PCQNAM", "DLHOIAN", "PCDN"):
        cells = page.get_by_test_id(f"unit-{unit}").get_by_role("cell")
        figures = counted[unit]
        expected_cells = [shown(figures["per_year"][year]) for year in PROGRAMME]
        expected_cells.append(shown(figures["cumulative"]))
        assert cells.all_inner_texts()[: len(PROGRAMME) + 1] == expected_cells, unit
        assert cells.nth(len(PROGRAMME) + 3).inner_text() == shown(figures["authors"]), unit

    # The near-duplicates: flagged in the same unit, linked as a replication from another.
    page.goto(f"{server.url}/library/novelty")
    pending = page.get_by_test_id("novelty-pending").locator("tbody tr")
    expect(pending).to_have_count(1)
    assert pending.get_by_role("cell").all_inner_texts()[:3] == [
        SAME_UNIT,
        ORIGINAL,
        "Công ty Điện lực Quảng Nam",
    ]
    page.goto(f"{server.url}/library?q=canh+bao+qua+nhiet")
    page.get_by_role("link", name=OTHER_UNIT, exact=True).click()
    similar = page.get_by_test_id("similar")
    expect(similar).to_contain_text("Nhân rộng từ sáng kiến gốc")
    expect(similar.get_by_role("link", name=ORIGINAL, exact=True)).to_be_visible()
    record_url = page.url

    # A phone without an account: the record a share card points at, and the search.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    visitor = phone.new_page()
    visitor.goto(record_url)
    expect(visitor.get_by_test_id("record-title")).to_have_text(OTHER_UNIT)
    visible = visitor.get_by_test_id("similar")
    expect(visible.get_by_role("link", name=ORIGINAL, exact=True)).to_be_visible()
    # The novelty problem of the same unit is the organisers' business.
    visible.get_by_role("link", name=SAME_UNIT, exact=True).click()
    expect(visitor.get_by_test_id("record-title")).to_have_text(SAME_UNIT)
    expect(
        visitor.get_by_test_id("similar").get_by_role("link", name=ORIGINAL, exact=True)
    ).to_have_count(0)
    expect(visitor.get_by_text("Chờ kết luận")).to_have_count(0)
    visitor.goto(f"{server.url}/library?q=tiet+kiem+dien")
    expect(visitor.get_by_test_id("library-total")).to_have_text(f"{shown(len(saving))} sáng kiến")
    with visitor.expect_download() as download:
        visitor.get_by_test_id("export-xlsx").click()
    download.value.save_as(tmp_path / "cong-khai.xlsx")
    rows = list(load_workbook(tmp_path / "cong-khai.xlsx").active.iter_rows(values_only=True))
    assert len(rows) - 1 == len(saving)
    assert all("Sơ đồ nội bộ" not in str(cell) for row in rows for cell in row)

    # The administrator closes the library to the Ban Tổ chức: the phone is asked to sign in.
    page.goto(f"{server.url}/library")
    page.get_by_role("link", name="Ai được xem thư viện").click()
    page.get_by_label("Chỉ Ban Tổ chức").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu: Chỉ Ban Tổ chức.")).to_be_visible()
    visitor.goto(record_url)
    expect(visitor).to_have_url(re.compile(r"/login\?next="))
    page.goto(record_url)
    expect(page.get_by_test_id("record-title")).to_have_text(OTHER_UNIT)
    phone.close()
    context.close()


def rollup_payload(unit: str, name: str, key: Ed25519PrivateKey, count: int, shared: str) -> bytes:
    """A unit's signed roll-up file, as its own instance would export it: ``count`` initiatives,
    the first under the code ``shared`` that the other unit's file carries too."""
    signer = public_hex(key)
    initiatives = []
    for number in range(count):
        initiatives.append(
            {
                "global_id": f"{signer}:{number + 1}",
                "unit": unit,
                "code": shared if number == 0 else f"{unit}-{number:04d}",
                "title": f"Sáng kiến {word(number)} {word(number, 1)} của {name}",
                "summary": "",
                "investor": name,
                "field": "",
                "theme": "",
                "prior_state": "",
                "solution": "",
                "applicability": "",
                "effects": "",
                "benefit_vnd": 85_000_000,
                "non_monetary_benefits": "",
                "decision_number": f"{number}/QĐ",
                "solution_type": "technical",
                "scope": "unit",
                "recognition_level": "base",
                "first_applied_on": "2025-03-01",
                "decision_date": "2025-06-15",
                "authors": [
                    {
                        "full_name": NAMES[number % 12],
                        "employee_code": f"{unit}-{number:04d}",
                        "workplace": name,
                        "job_title": "Kỹ sư",
                        "qualification": "Đại học",
                        "birth_date": "1988-05-06",
                        "contribution_pct": "100",
                    }
                ],
            }
        )
    payload = {
        "format": "sangtao-rollup",
        "version": 1,
        "exported_at": "2026-11-20T08:00:00+00:00",
        "unit": unit,
        "units": [
            {
                "code": "EVNCPC",
                "name": "Tổng công ty Điện lực miền Trung",
                "parent": None,
                "staff_count": 9500,
            },
            {"code": unit, "name": name, "parent": "EVNCPC", "staff_count": 1000},
        ],
        "initiatives": initiatives,
    }
    return sign(payload, key)


def import_files(page: Any, url: str, paths: list[Path]) -> Any:
    """Upload roll-up files on the administrators' page; the job's card once it has ended."""
    page.goto(f"{url}/manage/rollup")
    page.get_by_label("Các tệp tổng hợp (.sangtao)").set_input_files([str(path) for path in paths])
    page.get_by_role("button", name="Nhập các tệp").click()
    expect(page).to_have_url(re.compile(r"/manage/rollup/jobs/"))
    expect(page.get_by_test_id("job-status")).not_to_have_text(
        re.compile("Đang chờ|Đang chạy"), timeout=60_000
    )
    return page.locator("#job")


def test_the_rollup_of_two_units_in_the_browser(installs, browser, tmp_path):
    _unit, corporation = installs
    keys = {"PCQNAM": Ed25519PrivateKey.generate(), "PCDN": Ed25519PrivateKey.generate()}
    files = {
        "PCQNAM": rollup_payload(
            "PCQNAM", "Công ty Điện lực Quảng Nam", keys["PCQNAM"], 300, "EVNCPC-2025-001"
        ),
        "PCDN": rollup_payload(
            "PCDN", "Công ty TNHH MTV Điện lực Đà Nẵng", keys["PCDN"], 200, "EVNCPC-2025-001"
        ),
    }
    paths = {}
    for unit, data in files.items():
        paths[unit] = tmp_path / f"{unit.lower()}.sangtao"
        paths[unit].write_bytes(data)
    tampered = tmp_path / "pcdn-sua.sangtao"
    changed = bytearray(files["PCDN"])
    changed[len(changed) // 2] ^= 0x01
    tampered.write_bytes(bytes(changed))

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    first_run(page, corporation.url)
    page.goto(f"{corporation.url}/manage/rollup")
    for unit, key in keys.items():
        page.get_by_label("Tên đơn vị gửi tệp").fill(f"Đơn vị {unit}")
        page.get_by_label("Khóa công khai").fill(public_hex(key))
        page.get_by_role("button", name="Đăng ký khóa").click()
        expect(page.get_by_text(f"Đã đăng ký khóa của “Đơn vị {unit}”.")).to_be_visible()

    job = import_files(page, corporation.url, [paths["PCQNAM"], paths["PCDN"]])
    expect(job.get_by_test_id("job-status")).to_have_text("Đã xong")
    expect(job.locator("#job-count")).to_have_text("500/500")
    # The initiative both units carry under one code is one initiative.
    expect(job.locator("#job-notes")).to_contain_text(
        "Đã nhập 2 tệp: 499 sáng kiến mới, 0 được cập nhật, 1 không đổi"
    )
    page.goto(f"{corporation.url}/library")
    expect(page.get_by_test_id("library-total")).to_have_text("499 sáng kiến")

    job = import_files(page, corporation.url, [paths["PCDN"]])
    expect(job.locator("#job-notes")).to_contain_text(
        "Đã nhập 1 tệp: 0 sáng kiến mới, 0 được cập nhật, 200 không đổi"
    )

    job = import_files(page, corporation.url, [tampered])
    expect(job.get_by_test_id("job-status")).to_have_text("Không thành công")
    expect(job.locator("#job-error")).to_contain_text("đã bị thay đổi sau khi ký")
    page.goto(f"{corporation.url}/library")
    expect(page.get_by_test_id("library-total")).to_have_text("499 sáng kiến")
