"""The rubric of an event: its criteria in order, and the same as the results maths takes them;
the default rubric that a new event starts with."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def criteria(session: Session, event_id: int) -> list[Criterion]:
    return list(
        session.scalars(
            select(Criterion).where(Criterion.event_id == event_id).order_by(Criterion.position)
        )
    )


def rubric(rows: Sequence[Criterion]) -> list[results.CriterionSpec]:
    """The criteria as the results maths takes them."""
    return [results.CriterionSpec(c.key, float(c.weight), float(c.max_score)) for c in rows]
