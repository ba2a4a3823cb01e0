"""The rubric of an event: its criteria in order, and the same as the results maths takes them;
the default rubric that a new event starts with; and, for the organiser's editor, the criteria as
typed, what is wrong with them (:func:`rubric_problems`, pure: no database, no request) and the
tie-break cascade that follows them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.i18n import nfc
from core.models import Event
from scoring import results
from scoring.models import Criterion

# The default rubric of DOMAIN.md (100 points): key, Vietnamese, English, max, bands (min, max,
# Vietnamese, English).
DEFAULT_RUBRIC: list[tuple[str, str, str, int, list[tuple[int, int, str, str]]]] = [
    (
        "novelty",
        "Tính mới, tính sáng tạo",
        "Novelty and creativity",
        20,
        [
            (18, 20, "Hoàn toàn mới, chưa bộc lộ công khai", "Entirely new, never disclosed"),
            (14, 17, "Cải tiến rõ rệt", "Clear improvement"),
            (10, 13, "Cải tiến trung bình", "Moderate improvement"),
            (1, 9, "Cải tiến ít", "Small improvement"),
            (0, 0, "Không có tính mới / sao chép", "Not new / copied"),
        ],
    ),
    (
        "effectiveness",
        "Hiệu quả ứng dụng",
        "Application effectiveness",
        25,
        [
            (23, 25, "Đã áp dụng ổn định, số liệu đo đếm rõ", "Applied steadily, measured results"),
            (18, 22, "Đã áp dụng, hiệu quả rõ", "Applied, clear effect"),
            (13, 17, "Áp dụng thử, khả quan", "Trial use, promising"),
            (1, 12, "Ý tưởng / thử nghiệm hạn chế", "Idea / limited trial"),
            (0, 0, "Chưa áp dụng", "Not applied"),
        ],
    ),
    (
        "benefit",
        "Giá trị làm lợi",
        "Benefit value",
        25,
        [
            (
                23,
                25,
                "Từ 1 tỷ đồng/năm hoặc lợi ích lớn về an toàn, môi trường",
                "1 billion đồng a year or more, or a major safety or environmental gain",
            ),
            (
                18,
                22,
                "200 triệu đến dưới 1 tỷ đồng/năm",
                "200 million to under 1 billion đồng a year",
            ),
            (
                13,
                17,
                "80 đến dưới 200 triệu, hoặc lợi ích rõ không tính thành tiền",
                "80 to under 200 million, or a clear non-monetary gain",
            ),
            (1, 12, "Dưới 80 triệu hoặc chưa tính toán", "Under 80 million or not yet calculated"),
            (0, 0, "Không chứng minh được", "Not shown"),
        ],
    ),
    (
        "replicability",
        "Khả năng nhân rộng",
        "Replicability",
        20,
        [
            (18, 20, "Toàn Tập đoàn / ngoài ngành", "Across EVN / beyond the sector"),
            (14, 17, "Toàn Tổng công ty", "Across the corporation"),
            (10, 13, "Trong Công ty, nhiều đơn vị", "Several units of the company"),
            (1, 9, "Chỉ tại đơn vị", "Only in the unit"),
            (0, 0, "Không nhân rộng được", "Cannot be replicated"),
        ],
    ),
    (
        "pitch",
        "Thuyết trình và trả lời câu hỏi",
        "Pitch and Q&A",
        10,
        [
            (9, 10, "Rõ ràng, đúng giờ, trả lời thuyết phục", "Clear, on time, convincing answers"),
            (7, 8, "Tốt", "Good"),
            (5, 6, "Đạt", "Adequate"),
            (1, 4, "Còn hạn chế", "Weak"),
            (0, 0, "Không trình bày", "Did not present"),
        ],
    ),
]


def levels(bands: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """A criterion's bands as ``Criterion.levels`` keeps them."""
    return [{"min": lo, "max": hi, "vi": vi, "en": en} for lo, hi, vi, en in bands]


def default_criteria(event: Event) -> list[Criterion]:
    """The criteria of the default rubric for ``event``, not yet added to a session."""
    return [
        Criterion(
            event=event,
            key=key,
            name_vi=name_vi,
            name_en=name_en,
            weight=Decimal(maximum) / 100,
            max_score=Decimal(maximum),
            step=Decimal("0.5"),
            levels=levels(bands),
            position=position,
        )
        for position, (key, name_vi, name_en, maximum, bands) in enumerate(DEFAULT_RUBRIC, start=1)
    ]


_CRITERIA = (
    select(Criterion)
    .where(Criterion.event_id == bindparam("event_id"))
    .order_by(Criterion.position)
)


def criteria(session: Session, event_id: int) -> list[Criterion]:
    """The event's criteria in order. The statement is built once: every sheet saved and every
    standings built reads them (see scoring.standings)."""
    return list(session.scalars(_CRITERIA, {"event_id": event_id}))


def rubric(rows: Sequence[Criterion]) -> list[results.CriterionSpec]:
    """The criteria as the results maths takes them."""
    return [results.CriterionSpec(c.key, float(c.weight), float(c.max_score)) for c in rows]


# --- The rubric editor: what the organiser proposes, and what is wrong with it -----------------

MAX_CRITERIA = 20
MAX_BANDS = 10
MAX_KEY = 32  # Criterion.key's column
MAX_NAME = 200  # Criterion.name_vi's and name_en's columns
MAX_DESCRIPTION = 300
MAX_POINTS = Decimal(1000)
MAX_STEP = Decimal("99.99")  # Criterion.step's column
HUNDREDTH = Decimal("0.01")
KEY = re.compile(r"[a-z][a-z0-9_]*")
# Whole or decimal, with a comma (as Vietnamese write it) or a point; no sign, no exponent.
NUMBER = re.compile(r"\d{1,6}(?:[.,]\d{1,6})?")
ID = re.compile(r"\d{1,9}")  # within PostgreSQL's 32-bit integer
ACTION = re.compile(
    r"(?P<verb>add|remove|up|down|add-band|remove-band)"
    r"(?:-(?P<first>\d{1,2}))?(?:-(?P<second>\d{1,2}))?"
)


@dataclass(frozen=True)
class BandDraft:
    """A band (mức đánh giá) as the organiser typed it: its bounds are text until checked."""

    min: str = ""
    max: str = ""
    vi: str = ""
    en: str = ""


@dataclass(frozen=True)
class CriterionDraft:
    """A criterion as the organiser typed it; ``id`` names the criterion it changes (None: a new
    one). The weight is a percentage."""

    id: int | None = None
    key: str = ""
    name_vi: str = ""
    name_en: str = ""
    weight: str = ""
    max_score: str = ""
    step: str = ""
    bands: tuple[BandDraft, ...] = ()


@dataclass(frozen=True)
class Problem:
    """What is wrong, in the reader's language, and where: ``field`` is the form's name for the
    box at fault (``c1-weight``, ``c1-b2-min``), or ``weights`` and ``criteria`` for the whole."""

    field: str
    message: str


def parse_number(text: str) -> Decimal | None:
    """A number as typed: ``12,5`` or ``12.5``; None if it is not a plain non-negative one."""
    text = text.strip()
    return Decimal(text.replace(",", ".")) if NUMBER.fullmatch(text) else None


def shown(value: Decimal | int | float) -> str:
    """A number as the organiser writes it: 20, 12,5 (12.5 in English), never 20.00."""
    text = f"{Decimal(str(value)).normalize():f}"
    english = has_request_context() and str(get_locale()) == "en"
    return text if english else text.replace(".", ",")


def json_number(value: Decimal) -> int | float:
    """A bound as ``Criterion.levels`` keeps it (JSON): 18 rather than 18.0, 17.5 as it is."""
    return int(value) if value == value.to_integral_value() else float(value)


def draft_of(criterion: Criterion) -> CriterionDraft:
    """A saved criterion as the editor shows it, its weight in percent."""
    return CriterionDraft(
        id=criterion.id,
        key=criterion.key,
        name_vi=criterion.name_vi,
        name_en=criterion.name_en,
        weight=shown(criterion.weight * 100),
        max_score=shown(criterion.max_score),
        step=shown(criterion.step),
        bands=tuple(
            BandDraft(shown(band["min"]), shown(band["max"]), band["vi"], band["en"])
            for band in criterion.levels
        ),
    )


def _band_name(low: Decimal, high: Decimal) -> str:
    return shown(low) if low == high else f"{shown(low)}–{shown(high)}"


def _touch(top: Decimal, bottom: Decimal, step: Decimal) -> bool:
    """Does a band starting at ``bottom`` follow, with no gap, one ending at ``top``?"""
    whole = top == top.to_integral_value() and bottom == bottom.to_integral_value()
    return bottom == top + step or (whole and bottom == top + 1)


def band_problems(
    prefix: str, bands: Sequence[BandDraft], maximum: Decimal, step: Decimal
) -> list[Problem]:
    """What is wrong with a criterion's bands, given its maximum and step.

    Each band holds the scores from its bottom to its top, both included, and both are multiples
    of the step. Together the bands cover 0 to the maximum, without gap or overlap:

    - the lowest band starts at 0 and the highest ends at the maximum;
    - no score is in two bands (14–18 and 18–20 overlap at 18);
    - each band starts where the one below it ends: at the next score a judge can give (the top
      plus the step: 4,5 then 5 with half points), or, both bounds being whole points, at the
      next whole point (17 then 18). Paper rubrics write bands in whole points, and the judge
      picks a band, then a point inside it: with half points, 17,5 lies between "14–17" and
      "18–20", a score that no description fits and that the tablet never offers. Anything wider
      (17 then 19) is a gap.
    """
    problems: list[Problem] = []
    if not bands:
        problems.append(Problem(f"{prefix}bands", _("Hãy thêm ít nhất một mức đánh giá.")))
    counted: list[tuple[Decimal, Decimal, int]] = []
    for number, band in enumerate(bands):
        field = f"{prefix}b{number}-"
        low, high = parse_number(band.min), parse_number(band.max)
        if low is None:
            problems.append(Problem(f"{field}min", _("Hãy nhập điểm “từ” là một số, ví dụ 14.")))
        if high is None:
            problems.append(Problem(f"{field}max", _("Hãy nhập điểm “đến” là một số, ví dụ 17.")))
        if low is not None and high is not None:
            if low > high:
                message = _(
                    "Điểm “từ” (%(low)s) lớn hơn điểm “đến” (%(high)s).",
                    low=shown(low),
                    high=shown(high),
                )
                problems.append(Problem(f"{field}min", message))
            elif low % step or high % step:
                message = _("Điểm của mức phải là bội của bước chấm %(step)s.", step=shown(step))
                problems.append(Problem(f"{field}{'min' if low % step else 'max'}", message))
            elif high > maximum:
                message = _("Mức vượt quá điểm tối đa %(max)s.", max=shown(maximum))
                problems.append(Problem(f"{field}max", message))
            else:
                counted.append((low, high, number))
        if not band.vi:
            message = _("Hãy nhập mô tả mức đánh giá bằng tiếng Việt.")
            problems.append(Problem(f"{field}vi", message))
        for language in ("vi", "en"):
            if len(getattr(band, language)) > MAX_DESCRIPTION:
                message = _("Mô tả dài quá %(limit)s ký tự.", limit=MAX_DESCRIPTION)
                problems.append(Problem(f"{field}{language}", message))
    if problems or not counted:
        return problems  # the bounds must all be numbers before their cover means anything
    ordered = sorted(counted)
    low, high, number = ordered[0]
    if low != 0:
        message = _(
            "Các mức phải bắt đầu từ 0: điểm từ 0 đến dưới %(low)s chưa thuộc mức nào.",
            low=shown(low),
        )
        problems.append(Problem(f"{prefix}b{number}-min", message))
    reach = ordered[0]  # the band that reaches highest so far
    for low, high, number in ordered[1:]:
        field = f"{prefix}b{number}-min"
        if low <= reach[1]:
            message = _(
                "Mức %(this)s chồng lên mức %(other)s: điểm %(scores)s thuộc cả hai.",
                this=_band_name(low, high),
                other=_band_name(reach[0], reach[1]),
                scores=_band_name(low, min(high, reach[1])),
            )
            problems.append(Problem(field, message))
        elif not _touch(reach[1], low, step):
            message = _(
                "Giữa mức %(other)s và mức %(this)s còn trống: điểm trên %(top)s và dưới "
                "%(bottom)s chưa thuộc mức nào.",
                this=_band_name(low, high),
                other=_band_name(reach[0], reach[1]),
                top=shown(reach[1]),
                bottom=shown(low),
            )
            problems.append(Problem(field, message))
        if high > reach[1]:
            reach = (low, high, number)
    if reach[1] != maximum:
        message = _(
            "Các mức phải lên tới điểm tối đa %(max)s: điểm trên %(top)s chưa thuộc mức nào.",
            max=shown(maximum),
            top=shown(reach[1]),
        )
        problems.append(Problem(f"{prefix}b{reach[2]}-max", message))
    return problems


def rubric_problems(drafts: Sequence[CriterionDraft]) -> list[Problem]:
    """Everything wrong with a proposed rubric, each where it is; none: it may be saved.

    A criterion has a key of lower-case ASCII letters, digits and underscores (it names the
    criterion in the tablets' sheets, the exports and the tie-break cascade), unique in the
    rubric and never ``untrimmed_mean``, which the cascade keeps for itself; a Vietnamese and an
    English name; a maximum above 0 that is a multiple of its step (0,5: whole and half points);
    a weight in percent, with at most two decimals; and bands that cover 0 to the maximum
    (:func:`band_problems`). The weights add up to exactly 100%.
    """
    problems: list[Problem] = []
    if not drafts:
        problems.append(Problem("criteria", _("Thang điểm cần ít nhất một tiêu chí.")))
    if len(drafts) > MAX_CRITERIA:
        message = _("Thang điểm có nhiều nhất %(count)s tiêu chí.", count=MAX_CRITERIA)
        problems.append(Problem("criteria", message))
    keys = Counter(draft.key for draft in drafts)
    weights: list[Decimal] = []
    for number, draft in enumerate(drafts):
        prefix = f"c{number}-"
        if not draft.key:
            problems.append(Problem(f"{prefix}key", _("Hãy nhập mã tiêu chí, ví dụ hieu_qua.")))
        elif len(draft.key) > MAX_KEY or not KEY.fullmatch(draft.key):
            message = _(
                "Mã tiêu chí chỉ gồm chữ thường không dấu (a–z), chữ số và dấu gạch dưới, bắt "
                "đầu bằng một chữ, tối đa %(limit)s ký tự; ví dụ hieu_qua.",
                limit=MAX_KEY,
            )
            problems.append(Problem(f"{prefix}key", message))
        elif draft.key == results.UNTRIMMED_MEAN:
            message = _(
                "Mã “%(key)s” dành cho quy tắc xét khi bằng điểm; hãy chọn mã khác.",
                key=draft.key,
            )
            problems.append(Problem(f"{prefix}key", message))
        elif keys[draft.key] > 1:
            message = _(
                "Mã “%(key)s” đã dùng cho một tiêu chí khác; mỗi tiêu chí cần một mã riêng.",
                key=draft.key,
            )
            problems.append(Problem(f"{prefix}key", message))
        for field, missing in (
            ("name_vi", _("Hãy nhập tên tiêu chí bằng tiếng Việt.")),
            ("name_en", _("Hãy nhập tên tiêu chí bằng tiếng Anh.")),
        ):
            name = getattr(draft, field)
            if not name:
                problems.append(Problem(f"{prefix}{field}", missing))
            elif len(name) > MAX_NAME:
                message = _("Tên dài quá %(limit)s ký tự.", limit=MAX_NAME)
                problems.append(Problem(f"{prefix}{field}", message))
        weight = parse_number(draft.weight)
        if weight is None:
            message = _("Hãy nhập trọng số là một số phần trăm, ví dụ 20 hoặc 12,5.")
            problems.append(Problem(f"{prefix}weight", message))
        elif not 0 < weight <= 100 or weight != weight.quantize(HUNDREDTH):
            message = _(
                "Trọng số phải lớn hơn 0%% và không quá 100%%, với tối đa hai chữ số thập "
                "phân (ví dụ %(example)s).",
                example=shown(Decimal("12.5")),
            )
            problems.append(Problem(f"{prefix}weight", message))
        weights.append(weight if weight is not None else Decimal(0))
        maximum, step = parse_number(draft.max_score), parse_number(draft.step)
        if maximum is None:
            message = _("Hãy nhập điểm tối đa là một số, ví dụ 20.")
            problems.append(Problem(f"{prefix}max_score", message))
        elif not 0 < maximum <= MAX_POINTS or maximum != maximum.quantize(HUNDREDTH):
            message = _(
                "Điểm tối đa phải lớn hơn 0 và không quá %(limit)s, với tối đa hai chữ số thập "
                "phân.",
                limit=shown(MAX_POINTS),
            )
            problems.append(Problem(f"{prefix}max_score", message))
            maximum = None
        if step is None:
            message = _("Hãy nhập bước chấm là một số, ví dụ %(example)s.", example=shown(0.5))
            problems.append(Problem(f"{prefix}step", message))
        elif not 0 < step <= MAX_STEP or step != step.quantize(HUNDREDTH):
            message = _(
                "Bước chấm phải lớn hơn 0 và không quá %(limit)s, với tối đa hai chữ số thập phân.",
                limit=shown(MAX_STEP),
            )
            problems.append(Problem(f"{prefix}step", message))
            step = None
        elif maximum is not None and maximum % step:
            message = _(
                "Điểm tối đa %(max)s phải là bội của bước chấm %(step)s.",
                max=shown(maximum),
                step=shown(step),
            )
            problems.append(Problem(f"{prefix}max_score", message))
            step = None
        if maximum is not None and step is not None:
            problems.extend(band_problems(prefix, draft.bands, maximum, step))
    total = sum(weights, Decimal(0))
    if drafts and total != 100 and not any(p.field.endswith("weight") for p in problems):
        if total > 100:
            message = _(
                "Các trọng số cộng lại được %(total)s%%, cần đúng 100%%: hãy bớt %(gap)s%% ở "
                "một hoặc vài tiêu chí.",
                total=shown(total),
                gap=shown(total - 100),
            )
        else:
            message = _(
                "Các trọng số cộng lại được %(total)s%%, cần đúng 100%%: hãy thêm %(gap)s%% "
                "vào một hoặc vài tiêu chí.",
                total=shown(total),
                gap=shown(100 - total),
            )
        problems.append(Problem("weights", message))
    return problems


def cascade_after(
    cascade: Sequence[str], renamed: Mapping[str, str], keys: Collection[str]
) -> list[str]:
    """The tie-break cascade once the rubric changed: a criterion whose key changed keeps its
    place under its new key, a removed one leaves the cascade, ``untrimmed_mean`` stays."""
    kept: list[str] = []
    for rule in cascade:
        rule = renamed.get(rule, rule)
        if (rule == results.UNTRIMMED_MEAN or rule in keys) and rule not in kept:
            kept.append(rule)
    return kept


def drafts_from_form(form: Mapping[str, str]) -> list[CriterionDraft]:
    """The criteria of the editor's form in its order (``c<i>-key``, ``c<i>-b<j>-min``, ...),
    their text NFC and stripped. More criteria or bands than the editor shows are not read."""

    def text(name: str) -> str:
        return nfc(form.get(name, "")).strip()

    drafts: list[CriterionDraft] = []
    for number in range(MAX_CRITERIA):
        prefix = f"c{number}-"
        if f"{prefix}key" not in form:
            continue
        raw_id = text(f"{prefix}id")
        bands = tuple(
            BandDraft(*(text(f"{prefix}b{band}-{part}") for part in ("min", "max", "vi", "en")))
            for band in range(MAX_BANDS)
            if f"{prefix}b{band}-min" in form
        )
        drafts.append(
            CriterionDraft(
                id=int(raw_id) if ID.fullmatch(raw_id) else None,
                key=text(f"{prefix}key"),
                name_vi=text(f"{prefix}name_vi"),
                name_en=text(f"{prefix}name_en"),
                weight=text(f"{prefix}weight"),
                max_score=text(f"{prefix}max_score"),
                step=text(f"{prefix}step"),
                bands=bands,
            )
        )
    return drafts


def new_draft() -> CriterionDraft:
    """A criterion the organiser adds: 10 points in half points, one band to describe."""
    return CriterionDraft(
        max_score="10", step=shown(Decimal("0.5")), bands=(BandDraft("0", "10", "", ""),)
    )


def edited(drafts: Sequence[CriterionDraft], action: str) -> list[CriterionDraft]:
    """The criteria after one of the editor's buttons that change the form without saving it:
    ``add``, ``remove-<i>``, ``up-<i>``, ``down-<i>``, ``add-band-<i>``,
    ``remove-band-<i>-<j>``. Anything else changes nothing."""
    found = list(drafts)
    match = ACTION.fullmatch(action)
    if match is None:
        return found
    verb, first, second = match["verb"], match["first"], match["second"]
    if verb == "add":
        return [*found, new_draft()] if len(found) < MAX_CRITERIA else found
    if first is None or int(first) >= len(found):
        return found
    number = int(first)
    draft = found[number]
    if verb == "remove":
        del found[number]
    elif verb == "up" and number > 0:
        found[number - 1], found[number] = draft, found[number - 1]
    elif verb == "down" and number + 1 < len(found):
        found[number + 1], found[number] = draft, found[number + 1]
    elif verb == "add-band" and len(draft.bands) < MAX_BANDS:
        found[number] = replace(draft, bands=(*draft.bands, BandDraft()))
    elif verb == "remove-band" and second is not None and int(second) < len(draft.bands):
        band = int(second)
        found[number] = replace(draft, bands=draft.bands[:band] + draft.bands[band + 1 :])
    return found
