"""Reading the spreadsheets organisers import (CSV or XLSX), cell by cell, into checked values.

Pure: no request, no database. An importer (``core.admin_imports``, ``initiatives.imports``,
``scoring.imports``) declares its :class:`Column` s; :func:`read_table` reads the file's first
sheet into :class:`Row` s keyed by column, whatever the order of the columns, their headers
matched by their Vietnamese or English label without regard to case or accents; a
:class:`RowReader` then reads each cell as text, a date, an amount of money, a percentage or a
choice, and records a :class:`Problem` for each cell at fault, with the row number the
spreadsheet itself shows (the header is row 1), so that the organiser finds it.

Every text comes out NFC and stripped (Vietnamese input methods may type decomposed letters).
A wholly empty row is skipped, and said so, never an error. :func:`write_template` writes the
XLSX an organiser fills in: the header row, and a sheet "Hướng dẫn" that explains every column.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.errors import Invalid
from core.i18n import nfc
from core.spreadsheets import append_row

T = TypeVar("T")

# A cell as read: text from a CSV, or what an XLSX cell holds.
Cell = str | int | float | Decimal | date | datetime | bool | None

# More rows than any unit's list, fewer than would keep a worker busy for long.
MAX_ROWS = 10_000
# Allowed values listed in a problem's message; longer lists are left to the template's guide.
LISTED_CHOICES = 12
GUIDE_SHEET = "Hướng dẫn"


@dataclass(frozen=True)
class Column:
    """A column of an import: its key in the code, its header (Vietnamese; the English label is
    accepted too), whether it must be filled, and what the template's guide says of it."""

    key: str
    label: str
    english: str
    required: bool = False
    hint: Any = ""  # a lazy string: the format, in the guide
    example: str = ""
    width: int = 20


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: the spreadsheet's row (1 is the header, 0 the whole file), the
    column's header ("" for the whole row), the value found and a message for people."""

    row: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class Row:
    number: int
    cells: Mapping[str, Cell]


@dataclass
class Table:
    """A file's rows, the empty rows skipped, and what is wrong with the header."""

    rows: list[Row] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- Reading the file ---------------------------------------------------------------------------


def folded(text: str) -> str:
    """A header or a name as compared: no accents (đ is d), no case, single spaces, letters and
    digits only ("Tỷ lệ đóng góp (%)" and "ty le dong gop" are the same)."""
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def clean(value: Cell) -> Cell:
    """Text NFC, stripped and without NUL characters; other values as they are."""
    if isinstance(value, str):
        return nfc(value.replace("\x00", "")).strip()
    return value


def is_empty(value: Cell) -> bool:
    return value is None or value == ""


def read_table(data: bytes, filename: str, columns: Sequence[Column]) -> Table:
    """The rows of a CSV or XLSX file (by its name's ending), keyed by column; ``Invalid`` when
    the file cannot be read at all."""
    if filename.lower().endswith(".xlsx"):
        lines = _xlsx_lines(data)
    elif filename.lower().endswith(".csv"):
        lines = _csv_lines(data)
    else:
        raise Invalid("unknown_file_type", _("Chỉ nhận tệp .xlsx hoặc .csv."))
    return _table(lines, columns)


def _csv_lines(data: bytes) -> Iterator[list[Cell]]:
    """A CSV in UTF-8, with or without the mark Excel puts first, separated by commas or by
    semicolons (as Excel writes it where the decimal mark is a comma, as in Vietnamese)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _(
            "Tệp CSV không ở mã UTF-8. Trong Excel, hãy lưu bằng “CSV UTF-8 (Comma delimited)”, "
            "hoặc dùng tệp .xlsx."
        )
        raise Invalid("not_utf8", message) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_lines(data: bytes) -> Iterator[list[Cell]]:
    """The first sheet's values (not formulas). A number shown as a percentage (60%) is read as
    the number shown (60), not as the fraction Excel keeps (0.6)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        message = _("Không đọc được tệp .xlsx này. Hãy mở lại bằng Excel và lưu dạng .xlsx.")
        raise Invalid("unreadable_xlsx", message) from None
    try:
        sheet = book.worksheets[0]
        for cells in sheet.iter_rows():
            yield [_xlsx_value(cell) for cell in cells]
    finally:
        book.close()


def _xlsx_value(cell: Any) -> Cell:
    value = getattr(cell, "value", None)
    percent = "%" in str(getattr(cell, "number_format", ""))
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)) * 100
    result: Cell = value
    return result


def _table(lines: Iterable[Sequence[Cell]], columns: Sequence[Column]) -> Table:
    table = Table()
    by_label = {
        folded(label): column for column in columns for label in (column.label, column.english)
    }
    keys: list[str | None] = []
    for number, raw in enumerate(lines, start=1):
        cells = [clean(value) for value in raw]
        if not keys:
            if all(is_empty(value) for value in cells):
                continue  # blank lines above the header
            keys = _header(number, cells, by_label, columns, table.problems)
            if table.problems:
                return table
            continue
        if all(is_empty(value) for value in cells):
            table.skipped.append(number)
            continue
        if len(table.rows) == MAX_ROWS:
            message = _("Tệp có quá %(count)s dòng; hãy chia thành nhiều tệp.", count=MAX_ROWS)
            table.problems.append(Problem(number, "", "", message))
            return table
        values = {key: value for key, value in zip(keys, cells, strict=False) if key is not None}
        table.rows.append(Row(number, values))
    if not keys:
        table.problems.append(Problem(0, "", "", _("Tệp không có dòng tiêu đề nào.")))
    elif not table.rows:
        table.problems.append(Problem(0, "", "", _("Tệp không có dòng dữ liệu nào.")))
    return table


def _header(
    number: int,
    cells: Sequence[Cell],
    by_label: Mapping[str, Column],
    columns: Sequence[Column],
    problems: list[Problem],
) -> list[str | None]:
    """Each header's column key (None for an empty header), and a problem for each header that
    names no column of the template, names one twice, or for each required column missing."""
    keys: list[str | None] = []
    for value in cells:
        label = "" if is_empty(value) else str(value)
        column = by_label.get(folded(label)) if label else None
        if label and column is None:
            message = _(
                "Cột “%(name)s” không có trong tệp mẫu. Hãy đặt lại tên cột đúng như tệp mẫu, "
                "hoặc xóa cột này.",
                name=label,
            )
            problems.append(Problem(number, label, label, message))
        elif column is not None and column.key in keys:
            message = _("Cột “%(name)s” có hai lần trong tệp.", name=column.label)
            problems.append(Problem(number, column.label, label, message))
        keys.append(column.key if column is not None else None)
    for column in columns:
        if column.required and column.key not in keys:
            message = _("Thiếu cột bắt buộc “%(name)s”.", name=column.label)
            problems.append(Problem(number, column.label, "", message))
    return keys


# --- Reading the cells --------------------------------------------------------------------------


class Unreadable(ValueError):
    """A cell that does not hold what its column wants; the message says what it should."""


def shown(value: Cell) -> str:
    """A cell as the organiser typed it, for the problems' table (dates as dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: Cell) -> date | None:
    """dd/mm/yyyy (the day may have one digit), or a date cell of an XLSX; empty is None."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = shown(value)
    found = DATE.fullmatch(text)
    if found is None:
        raise Unreadable(
            _("“%(value)s” không phải ngày theo dạng dd/mm/yyyy, ví dụ 05/12/2026.", value=text)
        )
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise Unreadable(_("Không có ngày %(value)s trên lịch.", value=text)) from None


MONEY = re.compile(r"\d{1,3}(?:([. ,])\d{3})?(?:\1\d{3})*|\d+")
CURRENCY = re.compile(r"\s*(₫|đồng|đ|vnđ|vnd)$", re.IGNORECASE)


def parse_money(value: Cell) -> int | None:
    """A whole number of đồng: 1.234.567, 1.234.567 ₫, 1234567 đồng or a number cell; empty is
    None ("chưa lượng hóa được bằng tiền", which is not 0)."""
    if is_empty(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if value >= 0 and Decimal(str(value)) == int(value):
            return int(value)
    else:
        text = CURRENCY.sub("", shown(value)).replace("\u00a0", " ")
        if MONEY.fullmatch(text):
            return int(re.sub(r"[. ,]", "", text))
    raise Unreadable(
        _(
            "“%(value)s” không phải số tiền: hãy ghi số đồng nguyên, ví dụ 1.234.567, hoặc để "
            "trống nếu chưa lượng hóa được.",
            value=shown(value),
        )
    )


PERCENT = re.compile(r"(\d{1,3})(?:[.,](\d{1,2}))?\s*%?")


def parse_percent(value: Cell) -> Decimal | None:
    """60, 60%, 60,5 or 60.5 (two decimals at most), over 0 and at most 100; empty is None."""
    if is_empty(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number: Decimal | None = Decimal(str(value))
    else:
        found = PERCENT.fullmatch(shown(value))
        number = Decimal(f"{found[1]}.{found[2] or 0}") if found else None
    try:
        if number is not None and 0 < number <= 100 and number == round(number, 2):
            return number
    except InvalidOperation:
        pass
    raise Unreadable(
        _(
            "“%(value)s” không phải tỷ lệ phần trăm: hãy ghi một số lớn hơn 0 và không quá 100, "
            "ví dụ 60 hoặc 60,5.",
            value=shown(value),
        )
    )


def parse_whole(value: Cell) -> int | None:
    """A whole number from 0 (a headcount: 1250 or 1.250); empty is None."""
    if is_empty(value):
        return None
    try:
        number = parse_money(value)
    except Unreadable:
        number = None
    if number is None or number >= 10**9:
        raise Unreadable(_("“%(value)s” không phải số nguyên từ 0 trở lên.", value=shown(value)))
    return number


YES = {"x", "co", "yes", "1", "true", "c"}
NO = {"khong", "no", "0", "false", "k"}


def parse_flag(value: Cell) -> bool:
    """x, có or yes (any case, with or without accents) is yes; empty, không or no is no."""
    if is_empty(value) or value is False:
        return False
    if value is True:
        return True
    word = folded(shown(value))
    if word in YES or word in NO:
        return word in YES
    raise Unreadable(_("“%(value)s”: hãy ghi x (hoặc “có”), hoặc để trống.", value=shown(value)))


def unknown_unit(code: str, column: Column, units: int) -> str:
    """A unit code that is no unit's: sent to the template's sheet that lists the codes, the
    guide, or a sheet of their own when there are too many of them (see :func:`write_template`)."""
    sheet = column.label[:31] if units > LISTED_CHOICES else GUIDE_SHEET
    return str(
        _(
            "Mã đơn vị %(code)s không có trong danh sách đơn vị. Xem các mã đơn vị ở trang "
            "“%(sheet)s” của tệp mẫu.",
            code=code,
            sheet=sheet,
        )
    )


def parse_choice(value: Cell, choices: Mapping[str, T]) -> T | None:
    """One of ``choices`` (keyed by name), matched without regard to case or accents; empty is
    None. The refusal lists the names when they are few, else sends to the template's guide."""
    if is_empty(value):
        return None
    wanted = folded(shown(value))
    for name, choice in choices.items():
        if folded(name) == wanted:
            return choice
    if len(choices) <= LISTED_CHOICES:
        message = _(
            "“%(value)s” không có trong danh sách. Hãy chọn một trong: %(allowed)s.",
            value=shown(value),
            allowed="; ".join(choices),
        )
    else:
        message = _(
            "“%(value)s” không có trong danh sách. Xem các giá trị được phép ở trang “%(guide)s” "
            "của tệp mẫu.",
            value=shown(value),
            guide=GUIDE_SHEET,
        )
    raise Unreadable(message)


class RowReader:
    """Reads the cells of one row by column key, recording a :class:`Problem` for each cell at
    fault (and answering None or "" for it), so that every fault of a row is reported at once."""

    def __init__(self, row: Row, columns: Mapping[str, Column], problems: list[Problem]) -> None:
        self.row = row
        self.columns = columns
        self.problems = problems
        self.faults: set[str] = set()  # the keys of the cells at fault

    @property
    def faulty(self) -> bool:
        return bool(self.faults)

    def raw(self, key: str) -> Cell:
        return self.row.cells.get(key)

    def fault(self, key: str, message: str, value: Cell | None = None) -> None:
        """Record a problem of the cell ``key`` (its value, unless another is given)."""
        self.faults.add(key)
        shown_value = shown(self.raw(key) if value is None else value)
        self.problems.append(
            Problem(self.row.number, self.columns[key].label, shown_value, message)
        )

    def text(self, key: str, limit: int) -> str:
        value = shown(self.raw(key))
        if not value and self.columns[key].required:
            self.fault(key, _("Ô này không được để trống."))
        elif len(value) > limit:
            self.fault(key, _("Dài quá %(limit)s ký tự.", limit=limit), value[:60] + "…")
            return ""
        return value

    def read(self, key: str, parse: Any) -> Any:
        """The cell through ``parse`` (one of the ``parse_*`` functions above)."""
        value = self.raw(key)
        if is_empty(value) and self.columns[key].required:
            self.fault(key, _("Ô này không được để trống."))
            return None
        try:
            return parse(value)
        except Unreadable as error:
            self.fault(key, str(error))
            return None

    def choice(self, key: str, choices: Mapping[str, T]) -> T | None:
        return self.read(key, lambda value: parse_choice(value, choices))  # type: ignore[no-any-return]


def keyed(columns: Sequence[Column]) -> dict[str, Column]:
    return {column.key: column for column in columns}


# --- The template -------------------------------------------------------------------------------


def write_template(columns: Sequence[Column], allowed: Mapping[str, Sequence[str]]) -> bytes:
    """An XLSX to fill in: the header row (bold, frozen, each column as wide as it needs), then a
    sheet "Hướng dẫn": each column, whether it must be filled, its format, the values allowed
    (``allowed`` by column key; a long list gets a sheet of its own) and an example."""
    book = Workbook()
    data = book.active
    assert data is not None  # a new workbook has one sheet
    data.title = str(_("Dữ liệu"))
    data.append([column.label for column in columns])
    for index, column in enumerate(columns, start=1):
        data.cell(row=1, column=index).font = Font(bold=True)
        data.column_dimensions[get_column_letter(index)].width = column.width
    data.freeze_panes = "A2"

    guide = book.create_sheet(GUIDE_SHEET)
    headers = [_("Cột"), _("Bắt buộc"), _("Định dạng"), _("Giá trị được phép"), _("Ví dụ")]
    guide.append([str(header) for header in headers])
    for index, width in enumerate((34, 10, 60, 60, 40), start=1):
        guide.cell(row=1, column=index).font = Font(bold=True)
        guide.column_dimensions[get_column_letter(index)].width = width
    guide.freeze_panes = "A2"
    for column in columns:
        values = list(allowed.get(column.key, ()))
        if len(values) > LISTED_CHOICES:
            listed = str(_("Xem trang “%(sheet)s”", sheet=column.label[:31]))
            extra = book.create_sheet(column.label[:31])
            extra.append([column.label])
            extra.cell(row=1, column=1).font = Font(bold=True)
            extra.column_dimensions["A"].width = 60
            for value in values:
                append_row(extra, [value])
        else:
            listed = "\n".join(values)
        yes = str(_("Có")) if column.required else ""
        append_row(guide, [column.label, yes, str(column.hint), listed, column.example])
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
