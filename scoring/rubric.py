"""The rubric of an event: its criteria in order, and the same as the results maths takes them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import results
from scoring.models import Criterion


def criteria(session: Session, event_id: int) -> list[Criterion]:
    return list(
        session.scalars(
            select(Criterion).where(Criterion.event_id == event_id).order_by(Criterion.position)
        )
    )


def rubric(rows: Sequence[Criterion]) -> list[results.CriterionSpec]:
    """The criteria as the results maths takes them."""
    return [results.CriterionSpec(c.key, float(c.weight), float(c.max_score)) for c in rows]
