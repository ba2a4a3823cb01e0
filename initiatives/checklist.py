"""The conditions of recognition, and what a dossier's record proves or lacks of them.

Nghị định 13/2012/NĐ-CP, Điều 3, recognises an initiative that is **new within its unit**, **has
been applied or trial-applied there** and **can bring benefit**. The union's guidance asks the
unit's support team (Tổ hỗ trợ sáng kiến) to lead the worker to a complete, valid record. Each
condition is a line of the checklist, in plain Vietnamese:

- the authors: at least one, and their shares (Tỷ lệ đóng góp) add up to exactly 100%;
- the solution is described (Nội dung giải pháp);
- the first applied or trial-applied date (Ngày áp dụng lần đầu hoặc áp dụng thử) is given;
- the benefit: a value in đồng a year, or "chưa lượng hóa được bằng tiền" with the benefits that
  are not counted in money (safety, environment...) written down: one of the two is needed;
- new within the unit: an earlier record of the same unit that the novelty check
  (``initiatives.novelty``) found close is a warning until the team rules "khác biệt", and a
  lack once ruled "trùng lặp".

Pure: :class:`Facts` in, :class:`Line` s out. A dossier may be marked "đủ hồ sơ" only when no
line lacks anything (:func:`complete`). The worker sees the lines meant for them
(:attr:`Line.worker`): the novelty line names another worker's record, so it stays with the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from core.i18n import day, money, number

OK = "ok"
WARNING = "warning"
LACKING = "lacking"


@dataclass(frozen=True)
class Similar:
    """An earlier record of the same unit that the novelty check found close."""

    title: str
    score: Decimal
    # None: not ruled on yet; else "distinct" or "duplicate" (SimilarityDecision's values).
    decision: str | None


@dataclass(frozen=True)
class Facts:
    """What the checklist reads of a record."""

    shares: tuple[Decimal, ...]
    solution: str
    first_applied_on: date | None
    benefit_vnd: int | None
    non_monetary_benefits: str
    similar: tuple[Similar, ...] = ()


@dataclass(frozen=True)
class Line:
    key: str
    condition: str
    status: str
    said: str
    worker: bool = True

    @property
    def lacking(self) -> bool:
        return self.status == LACKING


def percent(value: Decimal) -> str:
    """60%, 60,5%, 33,33%: as many decimals as the share has, two at most."""
    exponent = value.quantize(Decimal("0.01")).normalize().as_tuple().exponent
    digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number(value, digits) + "%"


def _authors(facts: Facts) -> Line:
    condition = _("Tác giả và tỷ lệ đóng góp")
    if not facts.shares:
        return Line("authors", condition, LACKING, _("Chưa có tác giả nào."))
    total = sum(facts.shares, Decimal(0))
    if total != 100:
        said = _(
            "Tỷ lệ đóng góp của các tác giả cộng lại là %(total)s, còn thiếu hoặc thừa so với "
            "100%%: hãy sửa lại tỷ lệ của từng người.",
            total=percent(total),
        )
        return Line("authors", condition, LACKING, said)
    said = _("%(count)s tác giả, tỷ lệ đóng góp cộng lại đúng 100%%.", count=len(facts.shares))
    return Line("authors", condition, OK, said)


def _solution(facts: Facts) -> Line:
    condition = _("Mô tả nội dung giải pháp")
    if not facts.solution.strip():
        return Line("solution", condition, LACKING, _("Chưa mô tả nội dung giải pháp."))
    return Line("solution", condition, OK, _("Đã mô tả nội dung giải pháp."))


def _applied(facts: Facts) -> Line:
    condition = _("Đã áp dụng hoặc áp dụng thử tại đơn vị")
    if facts.first_applied_on is None:
        said = _("Chưa có ngày áp dụng lần đầu hoặc áp dụng thử: hãy ghi ngày đó.")
        return Line("applied", condition, LACKING, said)
    said = _("Áp dụng lần đầu ngày %(day)s.", day=day(facts.first_applied_on))
    return Line("applied", condition, OK, said)


def _benefit(facts: Facts) -> Line:
    condition = _("Có khả năng mang lại lợi ích")
    if facts.benefit_vnd is not None:
        said = _("Giá trị làm lợi: %(amount)s/năm.", amount=money(facts.benefit_vnd))
        return Line("benefit", condition, OK, said)
    if facts.non_monetary_benefits.strip():
        said = _("Chưa lượng hóa được bằng tiền; đã nêu lợi ích không tính thành tiền.")
        return Line("benefit", condition, OK, said)
    said = _(
        "Chưa lượng hóa được bằng tiền và chưa nêu lợi ích nào: hãy ghi giá trị làm lợi, hoặc "
        "lợi ích về an toàn, môi trường, điều kiện làm việc."
    )
    return Line("benefit", condition, LACKING, said)


def _novelty(facts: Facts) -> Line:
    condition = _("Mới trong phạm vi đơn vị")
    duplicate = [found for found in facts.similar if found.decision == "duplicate"]
    if duplicate:
        said = _(
            "Trùng lặp với “%(title)s”, sáng kiến có trước của đơn vị.", title=duplicate[0].title
        )
        return Line("novelty", condition, LACKING, said, worker=False)
    pending = [found for found in facts.similar if found.decision is None]
    if pending:
        closest = pending[0]
        said = _(
            "Giống %(score)s với “%(title)s”, sáng kiến có trước của đơn vị: cần xem xét và kết "
            "luận trong trang Kiểm tra tính mới.",
            score=percent(closest.score * 100),
            title=closest.title,
        )
        return Line("novelty", condition, WARNING, said, worker=False)
    if facts.similar:
        said = _("Đã kết luận khác biệt với sáng kiến có trước giống nó.")
        return Line("novelty", condition, OK, said, worker=False)
    said = _("Không thấy sáng kiến có trước nào giống nó trong đơn vị.")
    return Line("novelty", condition, OK, said, worker=False)


def checklist(facts: Facts) -> list[Line]:
    """Every condition, in the order the form asks for them."""
    return [_authors(facts), _solution(facts), _applied(facts), _benefit(facts), _novelty(facts)]


def complete(lines: list[Line]) -> bool:
    """May the dossier be marked "đủ hồ sơ"? Only when nothing lacks."""
    return not any(line.lacking for line in lines)


def missing(lines: list[Line]) -> list[Line]:
    """What the worker should still do, in plain words."""
    return [line for line in lines if line.worker and line.lacking]
