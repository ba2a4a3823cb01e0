"""The form of the standardized record of an initiative (DOMAIN.md), read field by field, as a
worker types it: at the kiosk (``kiosk.tablet``) or when starting a dossier
(``initiatives.worker``).

Pure: the form's fields and the lists to choose from go in, a :class:`Registration` or the
problems by field (in the user's language) come out. Dates, money and shares are read by the same
readers as the import files (``core.imports``), so "05/12/2025", "150.000.000" and "60,5" mean
the same in both. Text is composed (NFC), stripped, and rid of control characters (a pasted NUL
would be refused by PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from core.i18n import nfc, number
from core.imports import Unreadable, folded, parse_date, parse_money, parse_percent
from initiatives.imports import LONG_TEXT, MAX_BENEFIT, AuthorRecord
from initiatives.models import Author, Initiative, Scope, SolutionType

T = TypeVar("T")
MOST_AUTHORS = 5
# No initiative recognised under the rules the record follows was applied before this: an earlier
# date is a typing slip (01/01/0001).
EARLIEST_APPLIED = date(1950, 1, 1)
AUTHOR_FIELDS = ("name", "birth", "workplace", "job_title", "qualification", "share")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SHORT_LINES = re.compile(r"[\r\n\t]+")

SOLUTION_TYPES = {
    SolutionType.TECHNICAL: lazy_gettext("Kỹ thuật"),
    SolutionType.MANAGEMENT: lazy_gettext("Quản lý"),
    SolutionType.OPERATIONAL: lazy_gettext("Tác nghiệp"),
    SolutionType.TECHNOLOGY_APPLICATION: lazy_gettext("Ứng dụng tiến bộ kỹ thuật"),
}
SCOPES = {
    Scope.UNIT: lazy_gettext("Đơn vị"),
    Scope.COMPANY: lazy_gettext("Công ty"),
    Scope.CORPORATION: lazy_gettext("Tổng công ty"),
    Scope.GROUP: lazy_gettext("Tập đoàn"),
    Scope.OUTSIDE: lazy_gettext("Ngoài ngành"),
}


@dataclass(frozen=True)
class Choices:
    """What the form's lists offer: units by id, the themes' and fields' names."""

    units: Mapping[int, str]
    themes: Sequence[str]
    fields: Sequence[str]


@dataclass(frozen=True)
class Registration:
    title: str
    unit_id: int
    theme: str
    field: str
    solution_type: SolutionType
    first_applied_on: date | None
    prior_state: str
    solution: str
    applicability: str
    effects: str
    benefit_vnd: int | None
    non_monetary_benefits: str
    scope: Scope
    confidential: str
    authors: tuple[AuthorRecord, ...]


def clean(text: str, limit: int, *, lines: bool = False) -> str:
    """Composed, stripped, no control character; one line unless ``lines``; at most ``limit``."""
    text = CONTROL.sub("", nfc(text).replace("\r\n", "\n"))
    if not lines:
        text = SHORT_LINES.sub(" ", text)
    return text.strip()[:limit]


class FormReader:
    """Reads the fields of one form and keeps the first problem of each."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.problems: dict[str, str] = {}

    def fault(self, key: str, message: str) -> None:
        self.problems.setdefault(key, message)

    def text(self, key: str, limit: int, *, required: Any = None, lines: bool = False) -> str:
        raw = self.form.get(key, "")
        value = clean(raw, limit + 1, lines=lines)
        if len(value) > limit:
            self.fault(key, _("Tối đa %(count)s ký tự.", count=number(limit, 0)))
        elif not value and required is not None:
            self.fault(key, str(required))
        return value[:limit]

    def read(self, key: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(clean(self.form.get(key, ""), 100))
        except Unreadable as problem:
            self.fault(key, str(problem))
            return None

    def choice(self, key: str, choices: Mapping[str, T], required: Any = None) -> T | None:
        value = self.form.get(key, "")
        if value in choices:
            return choices[value]
        if value or required is not None:
            self.fault(key, str(required or _("Hãy chọn một mục trong danh sách.")))
        return None


def _authors(reader: FormReader, draft: bool) -> tuple[AuthorRecord, ...]:
    """The rows with anything typed in them; a name and a share are needed in each, and the
    shares add up to 100 unless it is a ``draft``."""
    authors: list[AuthorRecord] = []
    seen: set[str] = set()
    typed = False
    for row in range(1, MOST_AUTHORS + 1):
        key = f"author-{row}-"
        if not any(clean(reader.form.get(key + field, ""), 300) for field in AUTHOR_FIELDS):
            continue
        typed = True
        name = reader.text(key + "name", 200, required=_("Hãy nhập họ và tên."))
        share = reader.read(key + "share", parse_percent)
        if share is None and key + "share" not in reader.problems:
            reader.fault(key + "share", _("Hãy nhập tỷ lệ đóng góp (%)."))
        birth = reader.read(key + "birth", parse_date)
        if birth is not None and not date(1920, 1, 1) <= birth <= date.today():
            reader.fault(key + "birth", _("Ngày sinh không hợp lý."))
        if name and folded(name) in seen:
            reader.fault(key + "name", _("%(name)s đã có ở một dòng trên.", name=name))
        seen.add(folded(name))
        workplace = reader.text(key + "workplace", 300)
        job_title = reader.text(key + "job_title", 200)
        qualification = reader.text(key + "qualification", 200)
        if name and share is not None:
            authors.append(AuthorRecord(name, birth, workplace, job_title, qualification, share))
    if not typed:
        reader.fault("author-1-name", _("Hãy nhập ít nhất một tác giả."))
    total = sum((author.contribution_pct for author in authors), Decimal(0))
    if draft:
        return tuple(authors)
    if authors and total != 100 and not reader.problems.keys() & _share_keys():
        shown = number(total, 0 if total == total.to_integral() else 2)
        reader.fault(
            "authors",
            _(
                "Tỷ lệ đóng góp của các tác giả cộng lại là %(total)s%%, phải đúng 100%%.",
                total=shown,
            ),
        )
    return tuple(authors)


def _share_keys() -> set[str]:
    return {f"author-{row}-share" for row in range(1, MOST_AUTHORS + 1)}


def read_registration(
    form: Mapping[str, str], choices: Choices, *, draft: bool = False
) -> tuple[Registration | None, dict[str, str]]:
    """The registration the form holds, or None and the problems by field name.

    A ``draft`` (a dossier's record, which the support team helps to complete) may still lack
    what the checklist of recognition asks for (``initiatives.checklist``): shares that do not
    add up to 100, no description of the solution, no benefit stated."""
    reader = FormReader(form)
    title = reader.text("title", 500, required=_("Hãy nhập tên sáng kiến."))
    units = {str(unit_id): unit_id for unit_id in choices.units}
    unit_id = reader.choice("unit", units, _("Hãy chọn đơn vị."))
    theme = reader.choice("theme", {name: name for name in choices.themes}) or ""
    field = reader.choice("field", {name: name for name in choices.fields}) or ""
    solution_type = reader.choice(
        "solution_type",
        {kind.value: kind for kind in SOLUTION_TYPES},
        _("Hãy chọn loại giải pháp."),
    )
    first_applied_on = reader.read("first_applied_on", parse_date)
    if first_applied_on is not None and first_applied_on > date.today():
        reader.fault("first_applied_on", _("Ngày áp dụng lần đầu không thể ở tương lai."))
    elif first_applied_on is not None and first_applied_on < EARLIEST_APPLIED:
        reader.fault("first_applied_on", _("Ngày áp dụng lần đầu không hợp lý."))
    unknown_benefit = form.get("benefit_unknown") == "1"
    benefit = None if unknown_benefit else reader.read("benefit", parse_money)
    if not draft and not unknown_benefit and benefit is None and "benefit" not in reader.problems:
        reader.fault(
            "benefit",
            _("Hãy nhập giá trị làm lợi, hoặc đánh dấu “Chưa lượng hóa được bằng tiền”."),
        )
    if benefit is not None and benefit >= MAX_BENEFIT:
        reader.fault("benefit", _("Giá trị làm lợi lớn quá mức có thể."))
    scope = reader.choice("scope", {kind.value: kind for kind in SCOPES}) or Scope.UNIT
    long_texts = {
        key: reader.text(key, LONG_TEXT, lines=True)
        for key in (
            "prior_state",
            "solution",
            "applicability",
            "effects",
            "non_monetary",
            "confidential",
        )
    }
    if not draft and not long_texts["solution"]:
        reader.fault("solution", _("Hãy mô tả nội dung giải pháp."))
    authors = _authors(reader, draft)
    if reader.problems or unit_id is None or solution_type is None:
        return None, reader.problems
    return (
        Registration(
            title=title,
            unit_id=unit_id,
            theme=theme,
            field=field,
            solution_type=solution_type,
            first_applied_on=first_applied_on,
            prior_state=long_texts["prior_state"],
            solution=long_texts["solution"],
            applicability=long_texts["applicability"],
            effects=long_texts["effects"],
            benefit_vnd=benefit,
            non_monetary_benefits=long_texts["non_monetary"],
            scope=scope,
            confidential=long_texts["confidential"],
            authors=authors,
        ),
        {},
    )


# The record's columns a registration fills, each from its field of the same name.
RECORD_FIELDS = (
    "title",
    "unit_id",
    "theme",
    "field",
    "solution_type",
    "first_applied_on",
    "prior_state",
    "solution",
    "applicability",
    "effects",
    "benefit_vnd",
    "non_monetary_benefits",
    "scope",
    "confidential",
)


def described(registration: Registration) -> dict[str, Any]:
    """What the audit log keeps of a registration; the confidential text stays out of it."""
    described = asdict(registration)
    described.pop("confidential")
    described["first_applied_on"] = (
        registration.first_applied_on.isoformat() if registration.first_applied_on else None
    )
    described["authors"] = [
        {"full_name": author.full_name, "contribution_pct": str(author.contribution_pct)}
        for author in registration.authors
    ]
    return described


def fill_record(initiative: Initiative, registration: Registration) -> None:
    """Write the registration on the initiative's record; its authors replace the old ones."""
    for name in RECORD_FIELDS:
        if getattr(initiative, name) != getattr(registration, name):
            setattr(initiative, name, getattr(registration, name))
    initiative.authors = [
        Author(position=position, **asdict(author))
        for position, author in enumerate(registration.authors, start=1)
    ]


def form_of_record(initiative: Initiative) -> dict[str, str]:
    """The record as the form's fields, to correct it."""
    form = {
        "title": initiative.title,
        "unit": str(initiative.unit_id or ""),
        "theme": initiative.theme,
        "field": initiative.field,
        "solution_type": initiative.solution_type.value,
        "first_applied_on": initiative.first_applied_on.strftime("%d/%m/%Y")
        if initiative.first_applied_on
        else "",
        "prior_state": initiative.prior_state,
        "solution": initiative.solution,
        "applicability": initiative.applicability,
        "effects": initiative.effects,
        "benefit": f"{initiative.benefit_vnd:,}".replace(",", ".")
        if initiative.benefit_vnd is not None
        else "",
        "benefit_unknown": "1" if initiative.benefit_vnd is None else "",
        "non_monetary": initiative.non_monetary_benefits,
        "scope": initiative.scope.value,
        "confidential": initiative.confidential,
    }
    for row, author in enumerate(initiative.authors, start=1):
        key = f"author-{row}-"
        form[key + "name"] = author.full_name
        form[key + "birth"] = author.birth_date.strftime("%d/%m/%Y") if author.birth_date else ""
        form[key + "workplace"] = author.workplace
        form[key + "job_title"] = author.job_title
        form[key + "qualification"] = author.qualification
        share = author.contribution_pct
        form[key + "share"] = str(share.normalize() if share % 1 else int(share)).replace(".", ",")
    return form
