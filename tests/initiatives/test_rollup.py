"""Roll-up across instances: two units' signed files imported into a fresh instance give the sum
of both without duplicates; importing one twice changes nothing; a file with one changed byte or
an unknown signer is refused, and nothing is written."""

import io
import json
import os
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from core import db
from core.errors import Invalid
from core.models import JobStatus, Unit
from initiatives.models import Author, Initiative, RecognitionLevel, RollupSigner
from initiatives.rollup import import_files, instance_key, public_hex, sign, signed_file
from tests.imports import finished


def add_library(factory, unit_code, count, shared_code=None):
    with factory.writing() as session:
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            unit = Unit(code=unit_code, name=f"Công ty Điện lực {unit_code}", staff_count=900)
            session.add(unit)
            session.flush()
        for number in range(count):
            session.add(
                Initiative(
                    title=f"Sáng kiến tiết kiệm điện số {number} của {unit_code}",
                    code=shared_code if number == 0 and shared_code else f"{unit_code}-{number}",
                    unit_id=unit.id,
                    recognition_level=RecognitionLevel.BASE,
                    decision_date=date(2025, 3, 1 + number % 28),
                    benefit_vnd=None if number % 2 else 85_000_000,
                    confidential="Bản vẽ chi tiết",
                    authors=[
                        Author(
                            position=1,
                            full_name="Đặng Ngọc Ánh",
                            employee_code=f"{unit_code}{number:03d}",
                            birth_date=date(1988, 5, 6),
                            contribution_pct=Decimal(60),
                        ),
                        Author(position=2, full_name="Bùi Đức Thắng", contribution_pct=Decimal(40)),
                    ],
                )
            )


def export_and_clear(app, factory, key):
    """The instance's library as a file signed with ``key``; then the instance forgets it, as a
    fresh corporation instance would not have it."""
    with app.app_context(), db.unit_of_work() as session:
        data = signed_file(session, key)
    with factory.writing() as session:
        for initiative in session.scalars(select(Initiative)):
            session.delete(initiative)
    return data


def counts(factory):
    with factory.writing() as session:
        return (
            session.scalar(select(func.count()).select_from(Initiative)),
            session.scalar(select(func.count()).select_from(Author)),
        )


def trust(factory, *keys):
    with factory.writing() as session:
        for number, key in enumerate(keys):
            session.add(RollupSigner(name=f"Đơn vị {number}", public_key=public_hex(key)))


def merge(app, files):
    with app.test_request_context():
        return import_files(files, "test")


@pytest.fixture
def two_files(app, factory):
    keys = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    add_library(factory, "PCQNAM", 30, shared_code="EVNCPC-2025-001")
    first = export_and_clear(app, factory, keys[0])
    add_library(factory, "PCDNANG", 20, shared_code="EVNCPC-2025-001")
    second = export_and_clear(app, factory, keys[1])
    return keys, first, second


def test_two_units_give_the_sum_without_duplicates_and_twice_changes_nothing(
    app, factory, two_files
):
    keys, first, second = two_files
    trust(factory, *keys)
    merged = merge(app, [("pcqnam.sangtao", first), ("pcdnang.sangtao", second)])
    # The initiative both units carry under one code is one initiative.
    assert (merged.created, merged.files) == (49, ["pcqnam.sangtao", "pcdnang.sangtao"])
    assert counts(factory) == (49, 98)
    with factory.writing() as session:
        kept = session.scalars(select(Initiative)).all()
        assert all(initiative.confidential == "" for initiative in kept)
        assert all(initiative.global_id for initiative in kept)

    again = merge(app, [("pcqnam.sangtao", first)])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert counts(factory) == (49, 98)


def test_a_file_with_one_changed_byte_is_refused(app, factory, two_files):
    keys, first, _second = two_files
    trust(factory, *keys)
    header_end = first.index(b"\n\n") + 2
    positions = [*range(header_end), *range(header_end, len(first), max(1, len(first) // 150))]
    for position in positions:
        changed = bytearray(first)
        changed[position] = changed[position] ^ 0x01
        with pytest.raises(Invalid) as refused:
            merge(app, [("sua.sangtao", bytes(changed))])
        assert refused.value.code in {"bad_signature", "not_a_rollup", "unknown_signer"}
    assert counts(factory) == (0, 0)


def test_an_unknown_signer_is_refused_with_the_whole_lot(app, factory, two_files):
    keys, first, second = two_files
    trust(factory, keys[0])
    with pytest.raises(Invalid) as refused:
        merge(app, [("pcqnam.sangtao", first), ("pcdnang.sangtao", second)])
    assert refused.value.code == "unknown_signer"
    assert "pcdnang.sangtao" in refused.value.message and "chưa đăng ký" in refused.value.message
    assert counts(factory) == (0, 0)


def imported(app, admin, data, name="pcqnam.sangtao"):
    """Upload one file on the roll-up page; the import's job once it has ended."""
    answer = admin.post(
        "/manage/rollup/import",
        data={"files": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert answer.headers["Location"].startswith("/manage/rollup/jobs/")
    return finished(app, answer.headers["Location"].rsplit("/", 1)[1])


def test_the_administrators_page_exports_registers_and_imports(
    app, factory, organiser_client, two_files
):
    app.config["WTF_CSRF_ENABLED"] = False
    keys, first, _second = two_files
    admin = organiser_client(admin=True)
    page = admin.get("/manage/rollup").get_data(as_text=True)
    own = public_hex(instance_key(Path(app.instance_path)))
    assert own[:8] in page

    bad = admin.post("/manage/rollup/signers", data={"name": "", "public_key": "xyz"})
    assert bad.status_code == 422 and "64 chữ số thập lục phân" in bad.get_data(as_text=True)
    ours = admin.post("/manage/rollup/signers", data={"name": "Máy này", "public_key": own})
    assert ours.status_code == 422 and "khóa của chính máy chủ này" in ours.get_data(as_text=True)
    added = admin.post(
        "/manage/rollup/signers",
        data={"name": "Công ty Điện lực Quảng Nam", "public_key": public_hex(keys[0])},
    )
    assert added.status_code == 302

    not_ours = admin.post(
        "/manage/rollup/import",
        data={"files": (io.BytesIO(b"PK\x03\x04 a spreadsheet"), "bang-tinh.xlsx")},
        content_type="multipart/form-data",
    )
    assert not_ours.status_code == 422 and "không phải tệp tổng hợp" in not_ours.get_data(
        as_text=True
    )
    refused = imported(app, admin, first[:-1] + b" ")
    assert refused.status == JobStatus.FAILED and "đã bị thay đổi" in refused.error
    assert counts(factory) == (0, 0)
    done = imported(app, admin, first)
    assert done.status == JobStatus.DONE and (done.done, done.total) == (30, 30)
    assert "30 sáng kiến mới" in done.result["notes"][0]
    assert counts(factory) == (30, 60)
    page = admin.get(f"/manage/rollup/jobs/{done.id}").get_data(as_text=True)
    assert "Nhập tệp tổng hợp của các đơn vị" in page and "30 sáng kiến mới" in page
    assert not any((Path(app.instance_path) / "rollups").glob("*"))  # deleted once merged

    exported = admin.get("/manage/rollup/library.sangtao")
    assert exported.status_code == 200 and exported.data.startswith(b"SANGTAO-ROLLUP 1\n")


def test_the_command_line_imports_files(app, factory, runner, two_files, tmp_path):
    keys, first, second = two_files
    trust(factory, *keys)
    paths = []
    for name, data in (("a.sangtao", first), ("b.sangtao", second)):
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    result = runner.invoke(args=["rollup-import", *paths])
    assert result.exit_code == 0, result.output
    assert "49 sáng kiến mới" in result.output
    (tmp_path / "c.sangtao").write_bytes(first.replace(b"PCQNAM-1", b"PCQNAM-9", 1))
    result = runner.invoke(args=["rollup-import", str(tmp_path / "c.sangtao")])
    assert result.exit_code != 0 and "đã bị thay đổi" in result.output


def test_files_over_the_limit_are_refused_with_the_limit(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["ROLLUP_UPLOAD_LIMIT"] = 1024 * 1024
    admin = organiser_client(admin=True)
    answer = admin.post(
        "/manage/rollup/import",
        data={"files": (io.BytesIO(b"SANGTAO-ROLLUP 1\n" + b" " * 1024 * 1024), "lon.sangtao")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 413 and "lớn quá 1 MB" in answer.get_data(as_text=True)


def test_larger_than_the_sites_usual_limit_is_taken(app, factory, organiser_client, two_files):
    """The roll-up takes bodies up to ROLLUP_UPLOAD_LIMIT, well over MAX_CONTENT_LENGTH."""
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["MAX_CONTENT_LENGTH"] = 1024
    keys, first, _second = two_files
    trust(factory, keys[0])
    assert len(first) > 1024
    done = imported(app, organiser_client(admin=True), first)
    assert done.status == JobStatus.DONE and counts(factory) == (30, 60)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("title", "Sáng kiến " * 60),  # longer than the column
        ("benefit_vnd", "85.000.000"),  # text where a whole number goes
        ("unit", 7),
        ("benefit_actual_vnd", 2**63),  # beyond BIGINT
    ],
)
def test_a_signed_file_whose_values_do_not_fit_is_refused_whole(app, factory, where, value):
    """The merge writes in batches: a file is read whole first, so that one bad row at its end
    leaves nothing written."""
    key = Ed25519PrivateKey.generate()
    add_library(factory, "PCQNAM", 150)
    with app.app_context(), db.unit_of_work() as session:
        payload = json.loads(signed_file(session, key).split(b"\n\n", 1)[1])
    with factory.writing() as session:
        for initiative in session.scalars(select(Initiative)):
            session.delete(initiative)
    payload["initiatives"][-1][where] = value
    trust(factory, key)
    with pytest.raises(Invalid) as refused:
        merge(app, [("sai.sangtao", sign(payload, key))])
    assert refused.value.code == "not_a_rollup"
    assert counts(factory) == (0, 0)


def test_uploads_a_dead_job_left_are_swept_a_day_later(app, factory, organiser_client, two_files):
    app.config["WTF_CSRF_ENABLED"] = False
    keys, first, _second = two_files
    trust(factory, keys[0])
    folder = Path(app.instance_path) / "rollups"
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / "orphan.sangtao"
    left.write_bytes(first)
    os.utime(left, (time.time() - 2 * 24 * 3600,) * 2)
    fresh = folder / "fresh.sangtao"
    fresh.write_bytes(first)
    imported(app, organiser_client(admin=True), first)
    assert not left.exists() and fresh.exists()


def test_only_a_signed_in_browser_may_send_more_than_the_usual_body(
    app, factory, organiser_client, two_files
):
    """Read before anything else, a stranger's huge body is refused at the usual limit; an
    administrator's goes through."""
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["MAX_CONTENT_LENGTH"] = 1024
    keys, first, _second = two_files
    trust(factory, keys[0])
    answer = app.test_client().post(
        "/manage/rollup/import",
        data={"files": (io.BytesIO(first), "pcqnam.sangtao")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 413
    plain = organiser_client().post(
        "/manage/rollup/import",
        data={"files": (io.BytesIO(first), "pcqnam.sangtao")},
        content_type="multipart/form-data",
    )
    assert plain.status_code == 413  # an organiser's session is not an administrator's
    assert imported(app, organiser_client(admin=True), first).status == JobStatus.DONE


def peak_memory(work):
    """Run ``work``: its result, and the peak of the memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def big_file(tmp_path, megabytes=64):
    path = tmp_path / "lon.sangtao"
    with path.open("wb") as out:
        for _chunk in range(megabytes):
            out.write(b"x" * 1024 * 1024)
    return path


def test_the_upload_is_streamed_never_held_in_memory_whole(app, organiser_client, tmp_path):
    """A 64 MB file is parsed to disk in chunks: the request's peak memory stays small (review
    finding 9: the whole body used to be read into memory first)."""
    app.config["WTF_CSRF_ENABLED"] = False
    big = big_file(tmp_path)
    admin = organiser_client(admin=True)
    with big.open("rb") as sent:
        answer, peak = peak_memory(
            lambda: admin.post(
                "/manage/rollup/import",
                data={"files": (sent, "lon.sangtao")},
                content_type="multipart/form-data",
            )
        )
    assert answer.status_code == 422  # not a roll-up file; read to disk, then refused
    assert peak < 8 * 1024 * 1024, peak


@pytest.mark.parametrize("staff", [2**40, -1])
def test_a_unit_whose_staff_count_does_not_fit_refuses_the_lot(app, factory, staff):
    """unit.staff_count is a 32-bit INTEGER, and a headcount is never negative (review
    finding 8): the second file refuses both, nothing written."""
    keys = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    add_library(factory, "PCQNAM", 150)
    first = export_and_clear(app, factory, keys[0])
    add_library(factory, "PCDNANG", 5)
    with app.app_context(), db.unit_of_work() as session:
        payload = json.loads(signed_file(session, keys[1]).split(b"\n\n", 1)[1])
    with factory.writing() as session:
        for initiative in session.scalars(select(Initiative)):
            session.delete(initiative)
    for unit in payload["units"]:
        unit["staff_count"] = staff
    trust(factory, *keys)
    with pytest.raises(Invalid) as refused:
        merge(app, [("a.sangtao", first), ("b.sangtao", sign(payload, keys[1]))])
    assert "b.sangtao" in refused.value.message
    assert counts(factory) == (0, 0)


def test_the_file_carries_the_actual_benefit_and_a_version_1_file_is_still_read(app, factory):
    """A corporation's report values benefit as the unit's own does: by the actual benefit
    (review finding 11)."""
    keys = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    add_library(factory, "PCQNAM", 2)
    with factory.writing() as session:
        for initiative in session.scalars(select(Initiative)):
            initiative.benefit_actual_vnd = 120_000_000
    with app.app_context(), db.unit_of_work() as session:
        data = signed_file(session, keys[0])
        payload = json.loads(data.split(b"\n\n", 1)[1])
    assert payload["version"] == 2
    old = payload | {"version": 1, "initiatives": []}
    for row in payload["initiatives"]:
        old["initiatives"].append(
            {key: value for key, value in row.items() if key != "benefit_actual_vnd"}
            | {"global_id": row["global_id"] + "-v1", "code": row["code"] + "-V1"}
        )
    with factory.writing() as session:
        for initiative in session.scalars(select(Initiative)):
            session.delete(initiative)
    trust(factory, *keys)
    merged = merge(app, [("moi.sangtao", data), ("cu.sangtao", sign(old, keys[1]))])
    assert merged.created == 4
    with factory.writing() as session:
        actual = {i.code: i.benefit_actual_vnd for i in session.scalars(select(Initiative))}
    assert actual == {
        "PCQNAM-0": 120_000_000,
        "PCQNAM-1": 120_000_000,
        "PCQNAM-0-V1": None,
        "PCQNAM-1-V1": None,
    }
