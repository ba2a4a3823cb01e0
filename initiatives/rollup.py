"""Roll-up across instances (Tổng hợp từ các đơn vị): a unit's instance exports its initiative
library as one signed file; the corporation's instance imports many of them, so that the
programme's count is one query over the whole corporation.

The file is text: three header lines, a blank line, then the library as JSON::

    SANGTAO-ROLLUP 1
    signer: <the Ed25519 public key, 64 hex digits>
    signature: <the Ed25519 signature of the JSON bytes, 128 hex digits>

The signature covers the JSON's exact bytes and the header is read strictly, so any changed byte
is refused: in the JSON the signature fails, in the header the file is malformed, or names another
key, whose signature fails. Each instance keeps its key pair in ``instance/rollup-ed25519.key``
(made on first use); the corporation's administrators register the units' public keys
(``RollupSigner``) and a file signed by any other key is refused.

An initiative is the same on both sides when its global id matches (``<signer>:<id there>``,
kept in ``Initiative.global_id``), else its code (Mã sáng kiến). A file updates what changed in
the initiatives it brought (same global id) and creates what is new; one already here under
another origin (same code: another unit's file, or the corporation's own record) is left as it
is. So importing a file twice changes nothing, and neither does the order of the files. Units
are matched by code; a unit the corporation lacks is added under its parent. The confidential
information (Thông tin cần bảo mật) stays with the unit: it is never in the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask_babel import gettext as _
from sqlalchemy import BigInteger, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from core import audit, db
from core.errors import Invalid
from core.i18n import nfc
from core.models import Base, Organiser, Unit
from initiatives.access import published
from initiatives.models import (
    Author,
    Initiative,
    RecognitionLevel,
    RollupSigner,
    Scope,
    SolutionType,
)

MAGIC = b"SANGTAO-ROLLUP 1"
HEADER = re.compile(
    rb"SANGTAO-ROLLUP 1\nsigner: ([0-9a-f]{64})\nsignature: ([0-9a-f]{128})\n\n", re.ASCII
)
KEY_FILE = "rollup-ed25519.key"
PUBLIC_KEY = re.compile(r"[0-9a-f]{64}")
# The JSON's format version: 2 added benefit_actual_vnd; a file of version 1 is still read, its
# initiatives without an actual benefit.
VERSION = 2
VERSIONS = (1, 2)
FIELDS = (
    "code",
    "title",
    "summary",
    "investor",
    "field",
    "theme",
    "prior_state",
    "solution",
    "applicability",
    "effects",
    "benefit_vnd",
    "benefit_actual_vnd",
    "non_monetary_benefits",
    "decision_number",
)
AUTHOR_FIELDS = (
    "full_name",
    "employee_code",
    "workplace",
    "job_title",
    "qualification",
)


# --- Keys ---------------------------------------------------------------------------------------


def instance_key(folder: Path) -> Ed25519PrivateKey:
    """This instance's signing key, made and kept (readable by its owner only) on first use."""
    path = folder / KEY_FILE
    if path.is_file():
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(path.read_text().strip()))
    key = Ed25519PrivateKey.generate()
    folder.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(key.private_bytes_raw().hex())
    return key


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def spaced(public_key: str) -> str:
    """A public key in groups of eight, to read aloud or compare by eye."""
    return " ".join(public_key[i : i + 8] for i in range(0, len(public_key), 8))


# --- Export -------------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def library(session: Session, signer: str) -> dict[str, Any]:
    """Every published initiative of this instance (no draft: ``access.published``) with its
    authors and recognition, and the units they name, as the file carries them."""
    units = {unit.id: unit for unit in session.scalars(select(Unit))}
    initiatives = session.scalars(
        select(Initiative)
        .where(*published())
        .options(selectinload(Initiative.authors))
        .order_by(Initiative.id)
    ).all()
    return {
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                "parent": units[unit.parent_id].code if unit.parent_id in units else None,
                "staff_count": unit.staff_count,
            }
            for unit in _parents_first(list(units.values()))
        ],
        "initiatives": [
            {
                "global_id": initiative.global_id or f"{signer}:{initiative.id}",
                "unit": units[initiative.unit_id].code if initiative.unit_id in units else None,
                **{name: getattr(initiative, name) for name in FIELDS},
                "solution_type": initiative.solution_type.value,
                "scope": initiative.scope.value,
                "recognition_level": (
                    initiative.recognition_level.value if initiative.recognition_level else None
                ),
                "first_applied_on": _day(initiative.first_applied_on),
                "decision_date": _day(initiative.decision_date),
                "authors": [
                    {
                        **{name: getattr(author, name) for name in AUTHOR_FIELDS},
                        "birth_date": _day(author.birth_date),
                        "contribution_pct": str(author.contribution_pct),
                    }
                    for author in initiative.authors
                ],
            }
            for initiative in initiatives
        ],
    }


def _parents_first(units: list[Unit]) -> list[Unit]:
    by_id = {unit.id: unit for unit in units}
    done: set[int] = set()
    ordered: list[Unit] = []
    for unit in sorted(units, key=lambda unit: unit.id):
        chain: list[Unit] = []
        current: Unit | None = unit
        while current is not None and current.id not in done and current not in chain:
            chain.append(current)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        for member in reversed(chain):
            done.add(member.id)
            ordered.append(member)
    return ordered


def signed_file(session: Session, key: Ed25519PrivateKey, unit_code: str = "") -> bytes:
    """The roll-up file of this instance's library, signed with ``key``."""
    signer = public_hex(key)
    payload = {
        "format": "sangtao-rollup",
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "unit": unit_code,
        **library(session, signer),
    }
    return sign(payload, key)


def sign(payload: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """``payload`` as a roll-up file: the header with its signature, then the JSON signed."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1).encode()
    signature = key.sign(body).hex()
    return MAGIC + f"\nsigner: {public_hex(key)}\nsignature: {signature}\n\n".encode() + body


# --- Import -------------------------------------------------------------------------------------


BATCH = 100  # initiatives merged per transaction, as core.importing writes its items


class Reporter(Protocol):
    """Where an import tells how far it got: a job's ``core.jobs.Progress``."""

    def expect(self, total: int) -> None: ...

    def step(self, count: int = 1, message: str | None = None) -> None: ...


@dataclass
class Merged:
    """What importing files did, per file name."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: int = 0
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Checked:
    """A file whose signature, signer and content were checked: ready to merge."""

    name: str
    signer_id: int
    units: list[dict[str, Any]]
    initiatives: list[dict[str, Any]]


def _not_a_rollup(name: str) -> Invalid:
    return Invalid(
        "not_a_rollup",
        _("Tệp “%(name)s” không phải tệp tổng hợp của Sáng tạo Live, hoặc đã bị sửa.", name=name),
    )


def looks_like_rollup(start: bytes, name: str) -> None:
    """Refuse at once a file that does not even begin as a roll-up file (its first bytes)."""
    if not start.startswith(MAGIC + b"\n"):
        raise _not_a_rollup(name)


def verified(
    data: bytes, name: str, known: dict[str, RollupSigner]
) -> tuple[RollupSigner, dict[str, Any]]:
    """The file's signer and library, or ``Invalid`` saying why it is refused."""
    header = HEADER.match(data)
    if header is None:
        raise _not_a_rollup(name)
    signer_hex, signature = header.group(1).decode(), bytes.fromhex(header.group(2).decode())
    body = data[header.end() :]
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(signer_hex)).verify(signature, body)
    except (InvalidSignature, ValueError):
        raise Invalid(
            "bad_signature",
            _(
                "Tệp “%(name)s” đã bị thay đổi sau khi ký (chữ ký không khớp): không nhập. "
                "Hãy xin đơn vị gửi lại tệp gốc.",
                name=name,
            ),
        ) from None
    signer = known.get(signer_hex)
    if signer is None:
        raise Invalid(
            "unknown_signer",
            _(
                "Tệp “%(name)s” được ký bằng một khóa chưa đăng ký (%(key)s): không nhập. Hãy "
                "đăng ký khóa công khai của đơn vị gửi tệp trước.",
                name=name,
                key=spaced(signer_hex)[:17],
            ),
        )
    try:
        content = json.loads(body)
        if content.get("format") != "sangtao-rollup" or content.get("version") not in VERSIONS:
            raise ValueError
    except (ValueError, AttributeError):
        raise _unreadable(name) from None
    return signer, content


def _unreadable(name: str) -> Invalid:
    return Invalid(
        "not_a_rollup",
        _("Tệp “%(name)s” có chữ ký đúng nhưng không đọc được nội dung.", name=name),
    )


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _text(value: Any) -> Any:
    return nfc(value).replace("\x00", "") if isinstance(value, str) else value


def _fits(model: type[Base], row: dict[str, Any], names: Sequence[str]) -> None:
    """Refuse (``TypeError``) a value its column cannot hold: of another type, too long, too
    large for its column (PostgreSQL's INTEGER holds 32 bits, BIGINT 64), or missing where the
    column requires one."""
    columns = inspect(model).columns
    for name in names:
        value, column = row[name], columns[name]
        if value is None:
            if not column.nullable:
                raise TypeError(name)
            continue
        if isinstance(value, bool) or not isinstance(value, column.type.python_type):
            raise TypeError(name)
        length = getattr(column.type, "length", None)
        if isinstance(value, str) and length is not None and len(_text(value)) > length:
            raise TypeError(name)
        bits = 63 if isinstance(column.type, BigInteger) else 31
        if isinstance(value, int) and not -(2**bits) <= value < 2**bits:
            raise TypeError(name)


def _checked(name: str, signer: RollupSigner, content: dict[str, Any]) -> Checked:
    """Read every unit and initiative of the file as the merge will, and check that every value
    fits its column, so that a file that cannot be merged whole is refused before anything is
    written (the merge writes in batches)."""
    try:
        units, initiatives = list(content["units"]), list(content["initiatives"])
        for unit in units:
            _fits(Unit, unit, ("code", "name", "staff_count"))
            if unit["staff_count"] is not None and unit["staff_count"] < 0:
                raise ValueError("staff_count")
            if not isinstance(unit["parent"], str | None):
                raise TypeError("parent")
        for row in initiatives:
            if content["version"] == 1:
                row["benefit_actual_vnd"] = None
            _fits(Initiative, row, ("global_id", *FIELDS))
            if not isinstance(row["unit"], str | None):
                raise TypeError("unit")
            _values(row, {})
            for author in row["authors"]:
                _fits(Author, author, AUTHOR_FIELDS)
                if not 0 <= Decimal(author["contribution_pct"]) <= 100:
                    raise ValueError("contribution_pct")
            _authors(row)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        raise _unreadable(name) from None
    return Checked(name, signer.id, units, initiatives)


def check_files(session: Session, files: Sequence[tuple[str, bytes]]) -> list[Checked]:
    """Every file checked (signature, signer, content); ``Invalid`` with the reason of the first
    refused. Nothing is written."""
    known = {signer.public_key: signer for signer in session.scalars(select(RollupSigner))}
    return [_checked(name, *verified(data, name, known)) for name, data in files]


def _units(session: Session, rows: Sequence[dict[str, Any]], merged: Merged) -> dict[str, int]:
    """The unit ids by code, adding the units this instance lacks under their parents."""
    ids = {code: unit_id for code, unit_id in session.execute(select(Unit.code, Unit.id)).tuples()}
    for row in rows:
        code = str(row["code"])
        if code in ids:
            continue
        unit = Unit(
            code=code,
            name=_text(row["name"]),
            parent_id=ids.get(row["parent"]) if row["parent"] else None,
            staff_count=row["staff_count"],
        )
        session.add(unit)
        session.flush()
        ids[code] = unit.id
        merged.units_created += 1
    return ids


def _values(row: dict[str, Any], unit_ids: dict[str, int]) -> dict[str, Any]:
    level = row["recognition_level"]
    return {
        **{name: _text(row[name]) for name in FIELDS},
        "unit_id": unit_ids.get(row["unit"]) if row["unit"] else None,
        "solution_type": SolutionType(row["solution_type"]),
        "scope": Scope(row["scope"]),
        "recognition_level": RecognitionLevel(level) if level else None,
        "first_applied_on": _date(row["first_applied_on"]),
        "decision_date": _date(row["decision_date"]),
    }


def _authors(row: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            *(_text(author[name]) for name in AUTHOR_FIELDS),
            _date(author["birth_date"]),
            Decimal(author["contribution_pct"]),
        )
        for author in row["authors"]
    ]


def _author_rows(initiative: Initiative) -> list[tuple[Any, ...]]:
    return [
        (
            *(getattr(author, name) for name in AUTHOR_FIELDS),
            author.birth_date,
            Decimal(author.contribution_pct),
        )
        for author in initiative.authors
    ]


def _merge_one(
    session: Session, row: dict[str, Any], unit_ids: dict[str, int], merged: Merged
) -> None:
    global_id = str(row["global_id"])
    initiative = session.scalar(
        select(Initiative)
        .where(Initiative.global_id == global_id)
        .options(selectinload(Initiative.authors))
    )
    if initiative is None and row["code"]:
        known = session.scalar(select(Initiative.id).where(Initiative.code == row["code"]))
        if known is not None:
            # The same initiative, kept here under another origin: that record stays as it is.
            merged.unchanged += 1
            return
    values = _values(row, unit_ids)
    authors = _authors(row)
    if initiative is None:
        initiative = Initiative(global_id=global_id, **values)
        session.add(initiative)
        merged.created += 1
    elif all(getattr(initiative, name) == value for name, value in values.items()) and (
        _author_rows(initiative) == authors
    ):
        merged.unchanged += 1
        return
    else:
        for name, value in values.items():
            setattr(initiative, name, value)
        merged.updated += 1
    if _author_rows(initiative) != authors:
        initiative.authors = [
            Author(
                position=position,
                **dict(
                    zip((*AUTHOR_FIELDS, "birth_date", "contribution_pct"), author, strict=True)
                ),
            )
            for position, author in enumerate(authors, start=1)
        ]


def import_files(
    files: Sequence[tuple[str, bytes]],
    actor: Organiser | str,
    progress: Reporter | None = None,
) -> Merged:
    """Check every file, then merge them all; one refused file refuses the lot (nothing is
    written), with the reason of the first refused.

    The check reads every value as its column will hold it, so that the merge cannot fail on a
    value. Should the database still refuse something (a constraint, a record added meanwhile),
    the import is refused naming the file, and nothing is written: on PostgreSQL the whole merge
    is one transaction (its row locks hold up no other writer, and the job's progress is written
    beside it). On SQLite, whose one write lock would keep the judges' tablets waiting, the merge
    writes :data:`BATCH` initiatives to a transaction; SQLite enforces neither types nor lengths,
    so only a record added meanwhile can stop it, and importing the same files again finishes
    it: what was merged is unchanged, the rest is written. ``progress`` (a job's) is told how far
    it got after each batch.
    """
    with db.unit_of_work() as session:
        checked = check_files(session, files)
    if progress is not None:
        progress.expect(sum(len(file.initiatives) for file in checked))
    merged = Merged()
    current = checked[0].name if checked else ""
    try:
        with ExitStack() as whole:
            outer = None if db.database().is_sqlite else whole.enter_context(_transaction(None))
            for file in checked:
                current = file.name
                _merge_file(file, outer, actor, merged, progress)
    except SQLAlchemyError:
        raise Invalid(
            "rollup_not_written",
            _(
                "Cơ sở dữ liệu không nhận nội dung của tệp “%(name)s”: các tệp bị từ chối. Hãy "
                "nhập lại các tệp; nếu vẫn lỗi, hãy xin đơn vị gửi lại tệp này.",
                name=current,
            ),
        ) from None
    return merged


@contextmanager
def _transaction(outer: Session | None) -> Iterator[Session]:
    """A transaction of its own, or a flush of the ``outer`` one (PostgreSQL's single one)."""
    if outer is None:
        with db.unit_of_work(write=True) as session:
            yield session
    else:
        yield outer
        outer.flush()


def _merge_file(
    file: Checked,
    outer: Session | None,
    actor: Organiser | str,
    merged: Merged,
    progress: Reporter | None,
) -> None:
    with _transaction(outer) as session:
        unit_ids = _units(session, file.units, merged)
    rows = file.initiatives
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        with _transaction(outer) as session:
            for row in batch:
                _merge_one(session, row, unit_ids, merged)
        if progress is not None:
            message = _(
                "Tệp “%(name)s”: đã gộp %(done)s/%(total)s sáng kiến.",
                name=file.name,
                done=start + len(batch),
                total=len(rows),
            )
            progress.step(len(batch), message)
    with _transaction(outer) as session:
        audit.record(
            session,
            actor,
            "rollup.imported",
            f"rollup_signer:{file.signer_id}",
            after={"file": file.name, "initiatives": len(rows)},
        )
    merged.files.append(file.name)


# --- Signers ------------------------------------------------------------------------------------


def register_signer(
    session: Session,
    name: str,
    public_key: str,
    unit_id: int | None,
    actor: Organiser,
    own: str,
) -> RollupSigner:
    """Trust the roll-up files signed by ``public_key`` (64 hex digits, spaces ignored); not
    this instance's own key (``own``): its file holds the library's records under ids of its
    own, and would add every one of them again."""
    name = nfc(name).strip()
    key = re.sub(r"\s+", "", public_key).lower()
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors["name"] = _("Hãy nhập tên đơn vị gửi tệp (tối đa 200 ký tự).")
    if not PUBLIC_KEY.fullmatch(key):
        errors["public_key"] = _("Khóa công khai gồm 64 chữ số thập lục phân (0-9, a-f).")
    elif key == own:
        errors["public_key"] = _(
            "Đây là khóa của chính máy chủ này: thư viện đã có mọi sáng kiến trong tệp của nó."
        )
    elif session.scalar(select(RollupSigner).where(RollupSigner.public_key == key)):
        errors["public_key"] = _("Khóa này đã được đăng ký.")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        errors["unit"] = _("Đơn vị này không có trong danh sách.")
    if errors:
        raise Invalid("invalid_signer", _("Hãy sửa các ô được đánh dấu."), fields=errors)
    signer = RollupSigner(name=name, public_key=key, unit_id=unit_id)
    session.add(signer)
    session.flush()
    audit.record(
        session,
        actor,
        "rollup.signer_added",
        f"rollup_signer:{signer.id}",
        after={"name": name, "public_key": key, "unit": unit_id},
    )
    return signer


def remove_signer(session: Session, signer: RollupSigner, actor: Organiser) -> None:
    audit.record(
        session,
        actor,
        "rollup.signer_removed",
        f"rollup_signer:{signer.id}",
        before={"name": signer.name, "public_key": signer.public_key},
    )
    session.delete(signer)
    session.flush()
