"""Backups: a consistent copy of the whole SQLite database while the server runs, and one event as
one versioned file (its data and its attachments) that restores into any instance.

The event file is a ZIP (``.sangtao``) holding ``manifest.json`` (format and its version, app
version, Alembic revision, the event's slug, when it was made, rows per table, the SHA-256 of
every other member), ``data.json`` (rows per table, in the order the tables depend on each other)
and ``attachments/<path>`` (the files of the initiatives' attachments).

Which rows belong to an event is declared by each package beside its models, as ``core.live``
does for the screens: :func:`owned` (rows of the event, found by a query), :func:`shared` (rows
that outlive events, such as units and initiatives: exported when an exported row refers to one,
and on restore matched by a natural key, else created), :func:`follows` (rows that go with a
shared row they belong to: an initiative's authors) or :func:`exclude` (never in a backup, and
why). ``tests/core/test_backup.py`` fails on a model without a decision. The rows are walked
generically, column by column, over the mappers.

A restore never reuses the file's keys: every row gets a new one, and every reference is mapped
to it; a unique value already taken on this instance (an event's slug, a judge's card, a booth's
QR code) is replaced and the organiser is told. It is one transaction: a failure leaves nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_babel import gettext as _
from sqlalchemy import Column, Date, Float, Integer, Numeric, Select, Table, and_, select
from sqlalchemy import Enum as EnumType
from sqlalchemy import inspect as inspect_model
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, StatementError
from sqlalchemy.orm import Session

from core import audit, db
from core.errors import Invalid
from core.models import AuditLog, Base, Event, EventMember, Job, Organiser, Round, Unit, utcnow
from core.models.base import UTCDateTime
from core.service import free_slug

FORMAT = "sangtao-event"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
FILES = "attachments/"
SUFFIX = ".sangtao"
CHUNK = 1 << 20

# A fresh value for a unique column whose value is taken on this instance: (session, old value).
Renew = Callable[[Session, Any], Any]


@dataclass(frozen=True)
class Part:
    """How the rows of one model go into an event's backup and come back from it."""

    model: type[Any]
    # owned: the event's rows of the model, given the event's id.
    rows: Callable[[int], Select[Any]] | None = None
    # shared: the columns that find the same row on another instance (a row with one of them
    # empty is always created); ``create=False``: a missing one is not created, and the rows
    # that need it are left out.
    key: tuple[str, ...] = ()
    create: bool = True
    every: bool = False  # shared lists exported whole (the themes and fields)
    # follows: the column naming the shared row this one belongs to.
    parent: str | None = None
    # Only these columns are written (an organiser: the email that matches them, no password).
    columns: tuple[str, ...] | None = None
    renew: Mapping[str, Renew] = field(default_factory=dict)
    # The column holding a file's path under ``folder()``, carried in the ZIP.
    file: str | None = None
    folder: Callable[[], Path] | None = None
    # JSON columns whose keys are the ids of another table's rows (a run-sheet step's modes by
    # screen), by the table: mapped to the new ids once every table is restored.
    keyed_by: Mapping[str, str] = field(default_factory=dict)

    @property
    def table(self) -> Table:
        table: Table = self.model.__table__
        return table

    @property
    def is_shared(self) -> bool:
        return self.rows is None and self.parent is None


_parts: dict[type[Any], Part] = {}
_excluded: dict[type[Any], str] = {}


def owned(
    model: type[Any],
    rows: Callable[[int], Select[Any]],
    *,
    renew: Mapping[str, Renew] | None = None,
    keyed_by: Mapping[str, str] | None = None,
) -> None:
    """Declare that ``model``'s rows ``rows(event_id)`` belong to the event."""
    _parts[model] = Part(model, rows=rows, renew=renew or {}, keyed_by=keyed_by or {})


def shared(
    model: type[Any],
    *key: str,
    create: bool = True,
    every: bool = False,
    columns: tuple[str, ...] | None = None,
) -> None:
    """Declare ``model`` shared between events: carried when referred to, matched by ``key``."""
    _parts[model] = Part(model, key=key, create=create, every=every, columns=columns)


def follows(
    model: type[Any],
    parent: str,
    *,
    file: str | None = None,
    folder: Callable[[], Path] | None = None,
) -> None:
    """Declare that ``model``'s rows go with the shared row their column ``parent`` names: with
    it into the file, and back only when that row is created (a matched one keeps its own)."""
    _parts[model] = Part(model, parent=parent, file=file, folder=folder)


def exclude(model: type[Any], reason: str) -> None:
    """Declare that ``model`` is never in a backup of an event, and say why."""
    _excluded[model] = reason


def decision(model: type[Any]) -> Part | str | None:
    """How ``model`` goes into a backup, why it never does, or None if undecided."""
    return _parts.get(model) or _excluded.get(model)


def _ordered_parts() -> list[Part]:
    """The parts in the order their tables depend on each other (referred to before referring)."""
    order = {table.name: index for index, table in enumerate(Base.metadata.sorted_tables)}
    return sorted(_parts.values(), key=lambda part: order[part.table.name])


def _part_of_table(name: str) -> Part | None:
    return next((part for part in _parts.values() if part.table.name == name), None)


def _pk(table: Table) -> Column[Any] | None:
    """The single-column primary key of a table that others may refer to; None if composite."""
    keys = list(table.primary_key.columns)
    return keys[0] if len(keys) == 1 else None


def _references(table: Table) -> list[tuple[Column[Any], str]]:
    """The columns of ``table`` that refer to another row, with the table they refer to."""
    return [
        (column, foreign.column.table.name)
        for column in table.columns
        for foreign in column.foreign_keys
    ]


# --- Values -------------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A column's value as JSON can hold it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode(column: Column[Any], value: Any) -> Any:
    """A value of ``data.json`` as the column takes it."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, EnumType) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return Decimal(str(value))
    return value


def _columns(part: Part) -> list[Column[Any]]:
    names = part.columns
    return [column for column in part.table.columns if names is None or column.key in names]


def _row(part: Part, obj: Any) -> dict[str, Any]:
    mapper = inspect_model(part.model)
    return {
        column.key: encode(getattr(obj, mapper.get_property_by_column(column).key))
        for column in _columns(part)
    }


# --- Export -------------------------------------------------------------------------------------


def _parents_first(part: Part, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself (a unit's parent), each after the one it names."""
    selfish = [
        column.key for column, target in _references(part.table) if target == part.table.name
    ]
    pk = _pk(part.table)
    if not selfish or pk is None:
        return rows
    waiting = {row[pk.key]: row for row in rows}
    placed: list[dict[str, Any]] = []
    done: set[Any] = set()

    def place(row: dict[str, Any], seen: frozenset[Any]) -> None:
        key = row[pk.key]
        if key in done or key in seen:
            return
        for column in selfish:
            parent = waiting.get(row[column])
            if parent is not None:
                place(parent, seen | {key})
        done.add(key)
        placed.append(row)

    for row in rows:
        place(row, frozenset())
    return placed


def collect(session: Session, event_id: int) -> dict[str, list[dict[str, Any]]]:
    """The rows of an event's backup, per table, in the order a restore inserts them."""
    found: dict[type[Any], dict[Any, Any]] = defaultdict(dict)

    def keep(part: Part, rows: Iterable[Any]) -> None:
        for obj in rows:
            found[part.model][inspect_model(obj).identity] = obj

    for part in _parts.values():
        if part.rows is not None:
            keep(part, session.scalars(part.rows(event_id)))
        elif part.every:
            keep(part, session.scalars(select(part.model)))
    while True:  # the shared rows referred to, theirs in turn, and the rows that follow them
        before = sum(len(rows) for rows in found.values())
        for part in list(_parts.values()):
            if part.parent is not None:
                target = _part_of_table(_target(part, part.parent))
                ids = _ids(found, target)
                column = part.table.c[part.parent]
                if ids:
                    keep(part, session.scalars(select(part.model).where(column.in_(ids))))
            for column, table in _references(part.table):
                target = _part_of_table(table)
                if target is None or not target.is_shared or column.key not in _keys(part):
                    continue
                wanted = {getattr(obj, column.key) for obj in found[part.model].values()}
                wanted -= {None, *_ids(found, target)}
                pk = _pk(target.table)
                if wanted and pk is not None:
                    keep(target, session.scalars(select(target.model).where(pk.in_(wanted))))
        if sum(len(rows) for rows in found.values()) == before:
            break
    tables: dict[str, list[dict[str, Any]]] = {}
    for part in _ordered_parts():
        rows = [_row(part, obj) for _identity, obj in sorted(found[part.model].items())]
        tables[part.table.name] = _parents_first(part, rows)
    return tables


def _target(part: Part, column: str) -> str:
    return next(iter(part.table.c[column].foreign_keys)).column.table.name


def _keys(part: Part) -> set[str]:
    return {column.key for column in _columns(part)}


def _ids(found: Mapping[type[Any], dict[Any, Any]], part: Part | None) -> set[Any]:
    if part is None:
        return set()
    return {identity[0] for identity in found.get(part.model, {}) if len(identity) == 1}


def revision(session: Session) -> str | None:
    """The Alembic revision of the database the session reads."""
    return MigrationContext.configure(session.connection()).get_current_revision()


def app_version() -> str:
    try:
        return metadata.version("sangtao")
    except metadata.PackageNotFoundError:
        return "unknown"


def _digest(stream: IO[bytes]) -> str:
    sha = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()


def write_event(session: Session, event: Event, target: IO[bytes]) -> dict[str, Any]:
    """Write the backup of ``event`` into ``target`` (a binary file); return its manifest."""
    tables = collect(session, event.id)
    data = json.dumps({"tables": tables}, ensure_ascii=False, sort_keys=True).encode()
    files: dict[str, str] = {DATA: hashlib.sha256(data).hexdigest()}
    missing: list[str] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA, data)
        for part in _parts.values():
            if part.file is None or part.folder is None:
                continue
            folder = part.folder()
            for row in tables[part.table.name]:
                name = _member(row[part.file])
                path = folder / row[part.file]
                if name is None or not path.is_file():
                    missing.append(row[part.file])
                    continue
                archive.write(path, name)
                with path.open("rb") as stream:
                    files[name] = _digest(stream)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "app_version": app_version(),
            "alembic_revision": revision(session),
            "event": event.slug,
            "event_name": event.name,
            "created_at": utcnow().isoformat(),
            "counts": {name: len(rows) for name, rows in tables.items()},
            "files": files,
            "missing_files": missing,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _member(path: str) -> str | None:
    """The ZIP member of an attachment's path, or None for a path that leaves its folder."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return None
    return FILES + pure.as_posix()


def file_name(event: Event) -> str:
    return f"{event.slug}-{utcnow().strftime('%Y%m%d-%H%M')}{SUFFIX}"


# --- Reading a file -----------------------------------------------------------------------------


@dataclass
class Backup:
    """A backup file that passed every check: what it holds, read from ``path``."""

    path: Path
    manifest: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]


def _refused(code: str, message: str) -> Invalid:
    return Invalid(code, message)


def _not_ours() -> Invalid:
    return _refused(
        "not_a_backup",
        _("Tệp này không phải tệp sao lưu sự kiện của Sáng tạo Live (tệp .sangtao)."),
    )


def _damaged() -> Invalid:
    return _refused(
        "damaged_backup",
        _(
            "Tệp sao lưu bị hỏng hoặc không đầy đủ (có thể do tải về chưa xong). "
            "Hãy dùng một bản sao khác."
        ),
    )


def read_backup(path: Path, running_revision: str | None) -> Backup:
    """Open a backup file and check it all: a ZIP, our format in a version we read, every
    member's checksum, the schema this instance runs. ``Invalid`` says what is wrong."""
    with path.open("rb") as stream:
        start = stream.read(16)
    if start == b"SQLite format 3\x00":
        raise _refused(
            "database_file",
            _(
                "Đây là bản sao cả cơ sở dữ liệu (lệnh sangtao backup), không phải tệp sao "
                "lưu một sự kiện: hãy dừng máy chủ rồi chép tệp này thay cho tệp cơ sở dữ "
                "liệu, như hướng dẫn sử dụng mô tả."
            ),
        )
    if not start.startswith(b"PK"):  # every ZIP, even a truncated one, starts so
        raise _not_ours()
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _manifest(archive)
            _check_members(archive, manifest)
            data = json.loads(archive.read(DATA))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, TypeError):
        raise _damaged() from None
    tables = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(tables, dict) or any(
        not isinstance(rows, list) or len(rows) != manifest["counts"].get(name)
        for name, rows in tables.items()
    ):
        raise _damaged()
    if manifest.get("alembic_revision") != running_revision:
        raise _refused(
            "other_schema",
            _(
                "Tệp sao lưu được tạo với cấu trúc dữ liệu %(found)s, máy chủ này đang dùng "
                "%(running)s. Hãy khôi phục vào máy chủ cùng phiên bản với máy đã sao lưu.",
                found=manifest.get("alembic_revision") or "?",
                running=running_revision or "?",
            ),
        )
    return Backup(path, manifest, tables)


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise _not_ours() from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_ours()
    version = manifest.get("version")
    if not isinstance(version, int):
        raise _not_ours()
    if version > VERSION:
        raise _refused(
            "newer_format",
            _(
                "Tệp sao lưu có định dạng phiên bản %(found)s, mới hơn phiên bản %(supported)s "
                "mà máy chủ này đọc được. Hãy cập nhật Sáng tạo Live rồi khôi phục lại.",
                found=version,
                supported=VERSION,
            ),
        )
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("counts"), dict):
        raise _not_ours()
    return manifest


def _check_members(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    files: dict[str, str] = manifest["files"]
    names = set(archive.namelist()) - {MANIFEST}
    if names != set(files) or DATA not in names:
        raise _damaged()
    for name, expected in files.items():
        if name != DATA and _member(name.removeprefix(FILES)) != name:
            raise _damaged()
        with archive.open(name) as stream:
            if _digest(stream) != expected:
                raise _damaged()


# --- Restore ------------------------------------------------------------------------------------


@dataclass
class Restored:
    """What a restore made, and what the organiser should know about it."""

    event_id: int
    slug: str
    name: str
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


class _Restore:
    """One restore, in the caller's write transaction: the new key of every row read so far."""

    def __init__(self, session: Session, backup: Backup) -> None:
        self.session = session
        self.backup = backup
        self.ids: dict[str, dict[Any, Any]] = defaultdict(dict)
        self.created: dict[str, set[Any]] = defaultdict(set)
        self.renewed: dict[tuple[str, str], int] = defaultdict(int)
        self.missing_references: set[str] = set()
        self.written: list[Path] = []
        self.keyed: list[tuple[Part, Any]] = []

    def run(self) -> Event:
        for part in _ordered_parts():
            self.table(part, self.backup.tables.get(part.table.name, []))
        self.rekey()
        events = self.ids[Event.__tablename__]
        if len(events) != 1:
            raise _damaged()
        event = self.session.get_one(Event, next(iter(events.values())))
        return event

    def table(self, part: Part, rows: list[dict[str, Any]]) -> None:
        pk = _pk(part.table)
        referring_to_itself = any(t == part.table.name for _c, t in _references(part.table))
        made: list[tuple[Any, Any]] = []
        for row in rows:
            values = self.values(part, row)
            if values is None:
                continue
            old = row.get(pk.key) if pk is not None else None
            if part.is_shared:
                found = self.match(part, values)
                if found is not None:
                    self.ids[part.table.name][old] = found
                    continue
                if not part.create:
                    if part.model is Organiser:
                        self.missing_references.add(str(row.get("email", "")))
                    continue
            obj = self.make(part, values, pk)
            made.append((old, obj))
            if part.keyed_by:
                self.keyed.append((part, obj))
            if referring_to_itself:
                self.remember(part, made)
                made = []
        self.remember(part, made)

    def rekey(self) -> None:
        """The keys of the restored rows' ``keyed_by`` columns, as the rows they name are here
        now; a key whose row was not restored is dropped."""
        for part, obj in self.keyed:
            mapper = inspect_model(part.model)
            for name, table in part.keyed_by.items():
                attribute = mapper.get_property_by_column(part.table.c[name]).key
                ids = {str(old): str(new) for old, new in self.ids[table].items()}
                kept = getattr(obj, attribute) or {}
                setattr(obj, attribute, {ids[k]: v for k, v in kept.items() if k in ids})
        self.session.flush()

    def remember(self, part: Part, made: list[tuple[Any, Any]]) -> None:
        self.session.flush()
        pk = _pk(part.table)
        if pk is None:
            return
        for old, obj in made:
            new = getattr(obj, inspect_model(part.model).get_property_by_column(pk).key)
            self.ids[part.table.name][old] = new
            self.created[part.table.name].add(new)

    def values(self, part: Part, row: dict[str, Any]) -> dict[str, Any] | None:
        """The row's values as this instance takes them, its references mapped to the new keys;
        None if a row it needs was not restored."""
        values = {c.key: decode(c, row.get(c.key)) for c in _columns(part) if c.key in row}
        for column, table in _references(part.table):
            old = values.get(column.key)
            if old is None:
                continue
            new = self.ids[table].get(old)
            if part.parent == column.key and new not in self.created[table]:
                return None  # the row it belongs to already existed here, with its own
            if new is None:
                if column.nullable and not column.primary_key:
                    values[column.key] = None
                    continue
                return None
            values[column.key] = new
        return values

    def match(self, part: Part, values: dict[str, Any]) -> Any | None:
        if not part.key or any(values.get(key) is None for key in part.key):
            return None
        pk = _pk(part.table)
        assert pk is not None
        condition = and_(*(part.table.c[key] == values[key] for key in part.key))
        return self.session.scalar(select(pk).where(condition))

    def make(self, part: Part, values: dict[str, Any], pk: Column[Any] | None) -> Any:
        if pk is not None:
            # A new row's key is this database's to choose, but for a key that is also a
            # reference (a ceremony's, its event's), mapped with the references.
            if isinstance(pk.type, Integer) and not pk.foreign_keys:
                values.pop(pk.key, None)
            elif self.taken(part, pk, values.get(pk.key)):
                values[pk.key] = str(uuid.uuid4())
        for name, fresh in part.renew.items():
            column = part.table.c[name]
            if values.get(name) is not None and self.taken(part, column, values[name]):
                values[name] = fresh(self.session, values[name])
                self.renewed[(part.table.name, name)] += 1
        if part.file is not None and part.folder is not None and values.get(part.file):
            values[part.file] = self.place_file(part.folder(), values[part.file])
        mapper = inspect_model(part.model)
        obj = part.model(
            **{mapper.get_property_by_column(part.table.c[k]).key: v for k, v in values.items()}
        )
        self.session.add(obj)
        return obj

    def taken(self, part: Part, column: Column[Any], value: Any) -> bool:
        if value is None:
            return False
        with self.session.no_autoflush:
            return self.session.scalar(select(column).where(column == value).limit(1)) is not None

    def place_file(self, folder: Path, path: str) -> str:
        """Write an attachment's file from the ZIP under ``folder``; return its path there (a
        new one when another file already has that path)."""
        member = _member(path)
        if member is None or member not in self.backup.manifest["files"]:
            return path  # the file was missing when the backup was made: the row says so still
        relative = PurePosixPath(member.removeprefix(FILES))
        target = folder / relative
        if target.exists():
            relative = PurePosixPath("restored") / uuid.uuid4().hex / relative.name
            target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            zipfile.ZipFile(self.backup.path) as archive,
            archive.open(member) as source,
            target.open("xb") as copy,
        ):
            self.written.append(target)
            shutil.copyfileobj(source, copy, CHUNK)
        return relative.as_posix()

    def notes(self, event: Event) -> list[str]:
        notes: list[str] = []
        original = self.backup.manifest.get("event")
        if original and original != event.slug:
            notes.append(
                _(
                    "Địa chỉ “%(old)s” đã có sự kiện khác dùng: sự kiện được khôi phục với "
                    "địa chỉ “%(new)s”.",
                    old=original,
                    new=event.slug,
                )
            )
        if self.missing_references:
            notes.append(
                _(
                    "Không có tài khoản Ban Tổ chức nào với email %(emails)s trên máy chủ này: "
                    "vai trò của họ trong sự kiện không được khôi phục. Hãy tạo tài khoản rồi "
                    "thêm lại họ ở trang Ban Tổ chức.",
                    emails=", ".join(sorted(self.missing_references)),
                )
            )
        judges = self.renewed.get(("judge", "token_hash"), 0)
        if judges:
            notes.append(
                _(
                    "Thẻ của %(count)s giám khảo đang được dùng ở sự kiện khác trên máy chủ "
                    "này: các giám khảo đó được cấp thẻ mới, hãy in lại thẻ.",
                    count=judges,
                )
            )
        codes = self.renewed.get(("exhibit", "qr_token"), 0)
        if codes:
            notes.append(
                _(
                    "Mã QR của %(count)s sản phẩm trưng bày đang được dùng ở sự kiện khác: "
                    "các sản phẩm đó được cấp mã mới, hãy in lại áp phích.",
                    count=codes,
                )
            )
        return notes


def restore(session: Session, backup: Backup, actor: str) -> Restored:
    """Restore ``backup`` as a new event through ``session`` (a write transaction): flush only,
    the caller commits. Files of attachments are written before; ``Restored.written`` lists
    them so that a caller whose commit fails can take them away."""
    work = _Restore(session, backup)
    try:
        event = work.run()
    except OperationalError:
        _remove(work.written)
        raise  # the database is busy or gone: worth trying again, the file is fine
    except (StatementError, ValueError, TypeError, KeyError) as error:
        # The checksums hold but the rows do not fit the schema: a file edited by hand.
        _remove(work.written)
        raise _damaged() from error
    except BaseException:
        _remove(work.written)
        raise
    audit.record(
        session,
        actor,
        "event.restored",
        f"event:{event.id}",
        event_id=event.id,
        after={
            "slug": event.slug,
            "source": backup.manifest.get("event"),
            "backup_created_at": backup.manifest.get("created_at"),
            "app_version": backup.manifest.get("app_version"),
        },
    )
    session.flush()
    return Restored(event.id, event.slug, event.name, work.notes(event), work.written)


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with suppress(OSError):
            path.unlink()


def restore_file(path: Path, actor: str, on_checked: Callable[[], None] | None = None) -> Restored:
    """Check a backup file, then restore it in one transaction of its own; a failure leaves no
    row and no file. ``on_checked`` runs between the two (a job says how far it has got)."""
    with db.unit_of_work() as session:
        running = revision(session)
    backup = read_backup(path, running)
    if on_checked is not None:
        on_checked()
    written: list[Path] = []
    try:
        with db.unit_of_work(write=True) as session:
            restored = restore(session, backup, actor)
            written = restored.written
    except BaseException:
        _remove(written)
        raise
    return restored


def running_revision() -> str | None:
    """The newest revision of the migrations this code carries."""
    return ScriptDirectory.from_config(db.alembic_config("")).get_current_head()


# --- The whole database -------------------------------------------------------------------------


class NotSQLite(Exception):
    """The database is not a SQLite file: PostgreSQL has its own tools (pg_dump)."""


def sqlite_file(url: str) -> Path:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        raise NotSQLite(url)
    return Path(parsed.database)


def default_copy_path(folder: Path) -> Path:
    return folder / "backups" / f"sangtao-{utcnow().strftime('%Y%m%d-%H%M%S')}.db"


def copy_database(url: str, target: Path, busy_timeout_ms: int = 10_000) -> str:
    """Copy the whole SQLite database at ``url`` into ``target`` while others use it, with
    SQLite's online backup: the copy is the last committed state, never a torn write (a write
    transaction still open is not in it). Returns ``PRAGMA integrity_check`` of the copy."""
    source_path = sqlite_file(url)
    if not source_path.is_file():
        raise FileNotFoundError(source_path)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    db.create_private_file(str(partial))
    source = sqlite3.connect(source_path, timeout=busy_timeout_ms / 1000)
    try:
        with _closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        source.close()
    os.replace(partial, target)
    return str(result)


@contextmanager
def _closing(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield connection
    finally:
        connection.close()


owned(
    Event,
    lambda event_id: select(Event).where(Event.id == event_id),
    renew={
        "slug": lambda session, slug: free_slug(session, slug),
    },
)
owned(Round, lambda event_id: select(Round).where(Round.event_id == event_id))
owned(EventMember, lambda event_id: select(EventMember).where(EventMember.event_id == event_id))
owned(AuditLog, lambda event_id: select(AuditLog).where(AuditLog.event_id == event_id))
shared(Unit, "code")
shared(Organiser, "email", create=False, columns=("id", "email"))
exclude(Job, "a job's progress matters while it runs; a restored event starts with none")
