"""Nhật ký: every audit row of an event, newest first, filtered, paged, readable, exported.

The rows hold sheets' scores before and after a change, so only the event's managers and owners
read them (``scoring.manage.audit_log``); viewers do not see scores before they are published.
Reads only: the log itself is append-only (``core.models.audit``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext
from openpyxl import Workbook
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.i18n import clock, day, number
from core.models import AuditLog, Event, Organiser
from core.service import parse_day
from core.spreadsheets import append_row, csv_text
from scoring.models import Judge

PAGE_SIZE = 50

# What each kind of subject is called; the action's first word names its kind.
KINDS = {
    "sheet": lazy_gettext("Phiếu chấm"),
    "round": lazy_gettext("Vòng thi"),
    "entry": lazy_gettext("Bài dự thi"),
    "event": lazy_gettext("Sự kiện"),
    "judge": lazy_gettext("Giám khảo"),
    "recusal": lazy_gettext("Rút khỏi chấm"),
    "panel": lazy_gettext("Tiểu ban"),
    "member": lazy_gettext("Ban Tổ chức"),
    "initiative": lazy_gettext("Sáng kiến"),
    "criterion": lazy_gettext("Tiêu chí"),
}
ACTIONS = {
    "sheet.created": lazy_gettext("Tạo phiếu chấm"),
    "sheet.updated": lazy_gettext("Sửa phiếu chấm"),
    "sheet.verified": lazy_gettext("Xác nhận phiếu chấm"),
    "sheet.outlier_resolved": lazy_gettext("Ghi nhận phiếu lệch"),
    "round.locked": lazy_gettext("Khóa và niêm phong vòng thi"),
    "round.reopened": lazy_gettext("Mở lại vòng thi"),
    "entry.consensus": lazy_gettext("Điểm thống nhất"),
    "entry.withdrawn": lazy_gettext("Rút bài dự thi"),
    "event.status": lazy_gettext("Đổi trạng thái sự kiện"),
    "event.method_changed": lazy_gettext("Đổi cách tính điểm"),
}
FIELDS = {
    "status": lazy_gettext("Trạng thái"),
    "scores": lazy_gettext("Điểm"),
    "comment": lazy_gettext("Nhận xét"),
    "aggregation": lazy_gettext("Cách tính điểm"),
    "outlier_note": lazy_gettext("Ghi nhận"),
    "consensus_score": lazy_gettext("Điểm thống nhất"),
    "reason": lazy_gettext("Lý do"),
    "sha256": lazy_gettext("Mã SHA-256"),
    "total": lazy_gettext("Tổng điểm"),
    "name": lazy_gettext("Tên"),
}


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    actor: str = ""
    subject: str = ""
    since: date | None = None
    until: date | None = None

    def clauses(self, event: Event) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [AuditLog.event_id == event.id]
        if self.kind:
            found.append(AuditLog.action.startswith(f"{self.kind}.", autoescape=True))
        if self.actor:
            found.append(AuditLog.actor == self.actor)
        if self.subject:
            found.append(AuditLog.subject.contains(self.subject, autoescape=True))
        if self.since is not None:
            found.append(AuditLog.at >= datetime.combine(self.since, time(), UTC))
        if self.until is not None:
            found.append(
                AuditLog.at < datetime.combine(self.until + timedelta(days=1), time(), UTC)
            )
        return found


def read_filters(args: Mapping[str, str]) -> Filters:
    """The filters of the page's form; an unreadable date is ignored (the form says so)."""
    return Filters(
        kind=args.get("kind", "").strip()[:32],
        actor=args.get("actor", "").strip()[:64],
        subject=args.get("subject", "").strip()[:64],
        since=parse_day(args.get("since", "")),
        until=parse_day(args.get("until", "")),
    )


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Row:
    at: datetime
    actor: str
    who: str
    action: str
    subject: str
    changes: list[Change]
    reason: str

    @property
    def label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))


def shown(value: Any) -> str:
    """A value of a before/after as a person reads it: numbers with a decimal comma, a mapping
    as "key: value" pairs, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return number(value, 2)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {shown(found)}" for key, found in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(shown(found) for found in value)
    return str(value)


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[Change]:
    """The fields a change touched, each with its value before and after; a mapping of scores
    is compared key by key, so that only the criteria that moved are listed."""
    before, after = before or {}, after or {}
    found: list[Change] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        label = str(FIELDS.get(key, key))
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            for sub in sorted(set(old) | set(new)):
                if old.get(sub) != new.get(sub):
                    found.append(
                        Change(f"{label} · {sub}", shown(old.get(sub)), shown(new.get(sub)))
                    )
        else:
            found.append(Change(label, shown(old), shown(new)))
    return found


def _names(session: Session, event: Event, actors: set[str]) -> dict[str, str]:
    """Who each actor is, by name: organisers and the event's judges."""
    names: dict[str, str] = {}
    ids: dict[str, set[int]] = {"organiser": set(), "judge": set()}
    for actor in actors:
        kind, _, number = actor.partition(":")
        if kind in ids and number.isdigit():
            ids[kind].add(int(number))
    if ids["organiser"]:
        for row_id, name in session.execute(
            select(Organiser.id, Organiser.name).where(Organiser.id.in_(ids["organiser"]))
        ).tuples():
            names[f"organiser:{row_id}"] = name
    if ids["judge"]:
        for row_id, name in session.execute(
            select(Judge.id, Judge.name).where(
                Judge.id.in_(ids["judge"]), Judge.event_id == event.id
            )
        ).tuples():
            names[f"judge:{row_id}"] = name
    return names


def _rows(session: Session, event: Event, logs: Sequence[AuditLog]) -> list[Row]:
    names = _names(session, event, {log.actor for log in logs})
    return [
        Row(
            log.at,
            log.actor,
            names.get(log.actor, log.actor),
            log.action,
            log.subject,
            changes(log.before, log.after),
            log.reason,
        )
        for log in logs
    ]


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    number: int
    pages: int
    total: int


def audit_page(session: Session, event: Event, filters: Filters, number: int) -> Page:
    """One page of the event's log under ``filters``, newest first."""
    clauses = filters.clauses(event)
    total = session.scalar(select(func.count()).select_from(AuditLog).where(*clauses)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    logs = session.scalars(
        select(AuditLog)
        .where(*clauses)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return Page(_rows(session, event, logs), number, pages, total)


def actors(session: Session, event: Event) -> list[tuple[str, str]]:
    """Everyone who wrote in the event's log, for the filter: (actor, name)."""
    found = set(session.scalars(select(AuditLog.actor).where(AuditLog.event_id == event.id)))
    names = _names(session, event, found)
    return sorted(((actor, names.get(actor, actor)) for actor in found), key=lambda pair: pair[1])


def _all_rows(session: Session, event: Event, filters: Filters) -> list[Row]:
    logs = session.scalars(
        select(AuditLog)
        .where(*filters.clauses(event))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    ).all()
    return _rows(session, event, logs)


def _table(rows: Sequence[Row]) -> list[list[str]]:
    header = [
        str(lazy_gettext("Ngày")),
        str(lazy_gettext("Giờ")),
        str(lazy_gettext("Người thực hiện")),
        str(lazy_gettext("Việc")),
        str(lazy_gettext("Đối tượng")),
        str(lazy_gettext("Thay đổi")),
        str(lazy_gettext("Lý do")),
    ]
    return [header] + [
        [
            day(row.at),
            clock(row.at),
            row.who,
            row.label,
            row.subject,
            "\n".join(f"{c.field}: {c.before} → {c.after}" for c in row.changes),
            row.reason,
        ]
        for row in rows
    ]


def export_csv(session: Session, event: Event, filters: Filters) -> bytes:
    """The filtered log as CSV, UTF-8 with a byte-order mark so that Excel reads the accents."""
    return ("\ufeff" + csv_text(_table(_all_rows(session, event, filters)))).encode("utf-8")


def export_xlsx(session: Session, event: Event, filters: Filters) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(lazy_gettext("Nhật ký"))[:31]
    for line in _table(_all_rows(session, event, filters)):
        append_row(sheet, line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
