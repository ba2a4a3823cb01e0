"""The results as files: CSV (one table a file) and XLSX (one workbook, a sheet per table).

Four tables, headed in the reader's language: the standings (rank, entry, unit, the score under
the method in force and under every method, n, low, high, sd, flags, prize, the initiative's
benefit), each sheet's total by judge, each criterion's mean per entry, and each sheet's score
on every criterion. Only counted sheets appear (submitted or verified, of an active judge who is
not recused): the same that make the standings. Numbers stay numbers (a spreadsheet sums them),
money is a plain integer of đồng, an empty cell is "not scored", never zero.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import sort_key
from core.models import Event
from core.spreadsheets import append_row, csv_text
from initiatives.models import Initiative
from scoring import results
from scoring.manage.results import FLAG_NAMES, METHOD_NAMES, PRIZE_NAMES
from scoring.models import COUNTED, RECUSED, Entry, Judge, Score, ScoreSheet
from scoring.rubric import criteria
from scoring.standings import compare, event_entries

STANDINGS, JUDGES, CRITERIA, SHEETS = "standings", "judges", "criteria", "sheets"
TABLES = (STANDINGS, JUDGES, CRITERIA, SHEETS)
DIGITS = 4  # scores out of 100: more than any page shows, less than float noise
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    name: str  # the file's or the workbook sheet's name
    title: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class CountedSheet:
    judge: str  # "GK01 Nguyễn Văn Hùng"
    entry_id: int
    total: float
    scores: dict[int, float | None]  # by criterion id


def _score(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def _judge_label(code: str | None, name: str) -> str:
    return f"{code} {name}" if code else name


def counted_detail(session: Session, event: Event) -> list[CountedSheet]:
    """The counted sheets of the event with every criterion's score, judges by code then name."""
    rows = session.execute(
        select(ScoreSheet.id, Judge.code, Judge.name, ScoreSheet.entry_id, ScoreSheet.total)
        .join(Judge, Judge.id == ScoreSheet.judge_id)
        .where(
            Judge.event_id == event.id,
            Judge.active.is_(True),
            ScoreSheet.status.in_(COUNTED),
            ScoreSheet.total.is_not(None),
            ~RECUSED,
        )
    ).all()
    scores: dict[str, dict[int, float | None]] = {sheet_id: {} for sheet_id, *_ in rows}
    if scores:
        found = session.execute(
            select(Score.sheet_id, Score.criterion_id, Score.value).where(
                Score.sheet_id.in_(scores)
            )
        )
        for sheet_id, criterion_id, value in found:
            scores[sheet_id][criterion_id] = None if value is None else float(value)
    detail = [
        CountedSheet(_judge_label(code, name), entry_id, total, scores[sheet_id])
        for sheet_id, code, name, entry_id, total in rows
    ]
    return sorted(detail, key=lambda sheet: sort_key(sheet.judge))


def _benefits(session: Session, event: Event) -> dict[int, int | None]:
    rows = session.execute(
        event_entries(Entry.id, Initiative.benefit_vnd), {"event_id": event.id}
    ).tuples()
    return dict(rows.all())


def tables(session: Session, event: Event) -> dict[str, Table]:
    """The four tables of the event's results, by name, in the order of :data:`TABLES`."""
    comparison = compare(session, event)
    benefits = _benefits(session, event)
    method = comparison.method
    headers = [
        _("Hạng"),
        _("Bài dự thi"),
        _("Đơn vị"),
        _("Điểm (%(method)s)", method=METHOD_NAMES[method]),
        *(str(METHOD_NAMES[name]) for name in results.METHODS),
        _("Số phiếu"),
        _("Thấp nhất"),
        _("Cao nhất"),
        _("Độ lệch chuẩn"),
        _("Lưu ý"),
        _("Giải"),
        _("Giá trị làm lợi (đồng/năm)"),
    ]
    standings = []
    for row in comparison.entries:
        standing, raw, prize = row.standings[method], row.raw, row.prizes[method]
        flags = [str(FLAG_NAMES[flag]) for flag in standing.flags if flag != results.NO_SHEETS]
        standings.append(
            [
                standing.rank,
                row.title,
                row.unit,
                _score(standing.score),
                *(_score(row.standings[name].score) for name in results.METHODS),
                raw.sheets,
                _score(raw.low),
                _score(raw.high),
                _score(raw.sd),
                "; ".join(flags),
                str(PRIZE_NAMES[prize]) if prize else "",
                benefits.get(row.entry_id),
            ]
        )
    titles = [(row.entry_id, row.title) for row in comparison.entries]
    detail = counted_detail(session, event)
    rubric = criteria(session, event.id)
    return {
        STANDINGS: Table(STANDINGS, _("Xếp hạng"), headers, standings),
        JUDGES: _by_judge(titles, detail),
        CRITERIA: _by_criterion(titles, detail, [(c.id, c.name_vi) for c in rubric]),
        SHEETS: _sheets(titles, detail, [(c.id, c.name_vi) for c in rubric]),
    }


def _by_judge(titles: Sequence[tuple[int, str]], detail: Sequence[CountedSheet]) -> Table:
    judges = list(dict.fromkeys(sheet.judge for sheet in detail))
    totals = {(sheet.entry_id, sheet.judge): sheet.total for sheet in detail}
    rows = [
        [title, *(_score(totals.get((entry_id, judge))) for judge in judges)]
        for entry_id, title in titles
    ]
    return Table(JUDGES, _("Theo giám khảo"), [_("Bài dự thi"), *judges], rows)


def _by_criterion(
    titles: Sequence[tuple[int, str]],
    detail: Sequence[CountedSheet],
    rubric: Sequence[tuple[int, str]],
) -> Table:
    rows = []
    for entry_id, title in titles:
        panel = [sheet for sheet in detail if sheet.entry_id == entry_id]
        means = []
        for criterion_id, _name in rubric:
            values = [v for s in panel if (v := s.scores.get(criterion_id)) is not None]
            means.append(_score(fmean(values)) if values else None)
        rows.append([title, len(panel), *means])
    headers = [_("Bài dự thi"), _("Số phiếu"), *(name for _id, name in rubric)]
    return Table(CRITERIA, _("Theo tiêu chí"), headers, rows)


def _sheets(
    titles: Sequence[tuple[int, str]],
    detail: Sequence[CountedSheet],
    rubric: Sequence[tuple[int, str]],
) -> Table:
    rows = [
        [
            title,
            sheet.judge,
            *(_score(sheet.scores.get(criterion_id)) for criterion_id, _name in rubric),
            _score(sheet.total),
        ]
        for entry_id, title in titles
        for sheet in detail
        if sheet.entry_id == entry_id
    ]
    headers = [_("Bài dự thi"), _("Giám khảo"), *(name for _id, name in rubric), _("Tổng điểm")]
    return Table(SHEETS, _("Phiếu chấm điểm"), headers, rows)


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Vietnamese letters right."""
    return ("\ufeff" + csv_text([table.headers, *table.rows])).encode()


def xlsx_bytes(found: dict[str, Table]) -> bytes:
    """One workbook, a sheet per table, headers bold and frozen, scores shown to two decimals and
    money with thousands separators (the cells hold the plain numbers)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for table in found.values():
        sheet = book.create_sheet(table.title[:31])
        append_row(sheet, table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            append_row(sheet, row)
        for column, header in enumerate(table.headers, start=1):
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = min(48, max(10, len(header) + 2))
            money = header == _("Giá trị làm lợi (đồng/năm)")
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
                elif money and isinstance(cell.value, int):
                    cell.number_format = "#,##0"
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
