"""The novelty check: is a new initiative new within its unit?

Nghị định 13/2012/NĐ-CP, Điều 3, recognises an initiative that is new *within the unit* that
recognises it. So when an initiative is registered or imported, the earlier records (smaller id)
are searched for similar ones, by their titles and descriptions compared without diacritics:

- a close match in the **same unit** (the very unit, not its parent or children: each unit
  recognises its own initiatives) is a novelty problem, pending until an organiser decides
  "khác biệt" (new after all) or "trùng lặp" (a duplicate);
- a close match in **another unit** (or where either has no unit) is a replication (nhân rộng):
  shown and linked both ways, crediting the earlier record as the original.

Similarity is a weighted Jaccard index of word sets (:func:`similarity`): the title counts for
0.6 and the description (summary and solution) for 0.4, or the title alone when either record has
no description. At or above :data:`THRESHOLD` a record is similar; the :data:`TOP` closest are kept.

Fast enough for 10,000 records: the candidates are the records that share one of the new title's
rarest words (document frequencies counted in one scan of ``search_text``), then only those are
scored in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.orm import Session

from initiatives.models import Initiative, Similarity, SimilarityKind
from initiatives.search import words

THRESHOLD = 0.5
TOP = 5
TITLE_WEIGHT = 0.6
RARE_WORDS = 4
MAX_CANDIDATES = 400
# Words too short to tell records apart ("va", "o"): not used to find candidates.
MIN_WORD = 3


@dataclass(frozen=True)
class Words:
    """The word sets a record is compared by."""

    title: frozenset[str]
    description: frozenset[str]


def words_of(title: str, *description: str) -> Words:
    return Words(frozenset(words(title)), frozenset(words(" ".join(description))))


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def similarity(new: Words, old: Words) -> float:
    """0 (nothing shared) to 1 (the same words): see the module's docstring."""
    title = jaccard(new.title, old.title)
    if not new.description or not old.description:
        return title
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * jaccard(new.description, old.description)


def _rare_words(session: Session, initiative: Initiative, title: frozenset[str]) -> list[str]:
    """The title's words found in the fewest earlier records (but in one at least)."""
    typed = sorted(word for word in title if len(word) >= MIN_WORD)
    if not typed:
        return []
    counts = session.execute(
        select(
            *(
                func.sum(case((Initiative.search_text.contains(f" {word} "), 1), else_=0))
                for word in typed
            )
        ).where(Initiative.id < initiative.id)
    ).one()
    present = [(count or 0, word) for count, word in zip(counts, typed, strict=True) if count]
    return [word for _count, word in sorted(present)[:RARE_WORDS]]


def similar(session: Session, initiative: Initiative) -> list[tuple[Initiative, float]]:
    """The earlier records similar to ``initiative``, closest first (at most :data:`TOP`)."""
    mine = words_of(initiative.title, initiative.summary, initiative.solution)
    rare = _rare_words(session, initiative, mine.title)
    if not rare:
        return []
    candidates = session.scalars(
        select(Initiative)
        .where(
            Initiative.id < initiative.id,
            or_(*(Initiative.search_text.contains(f" {word} ") for word in rare)),
        )
        .limit(MAX_CANDIDATES)
    ).all()
    scored = [
        (other, similarity(mine, words_of(other.title, other.summary, other.solution)))
        for other in candidates
    ]
    close = [(other, score) for other, score in scored if score >= THRESHOLD]
    return sorted(close, key=lambda pair: (-pair[1], pair[0].id))[:TOP]


def kind_of(initiative: Initiative, other: Initiative) -> SimilarityKind:
    same = initiative.unit_id is not None and initiative.unit_id == other.unit_id
    return SimilarityKind.NOVELTY if same else SimilarityKind.REPLICATION


def check_novelty(session: Session, initiative: Initiative) -> list[Similarity]:
    """Search the earlier records for ones similar to ``initiative`` (flushed, so it has its id
    and search text) and keep what is found; call it whenever an initiative is registered or
    imported, or its title or description changes. Findings already decided stay as decided;
    the undecided ones are found anew."""
    session.flush()
    session.execute(
        delete(Similarity).where(
            Similarity.initiative_id == initiative.id, Similarity.decision.is_(None)
        )
    )
    decided = set(
        session.scalars(
            select(Similarity.other_id).where(Similarity.initiative_id == initiative.id)
        )
    )
    found = [
        Similarity(
            initiative_id=initiative.id,
            other_id=other.id,
            score=Decimal(str(round(score, 3))),
            kind=kind_of(initiative, other),
        )
        for other, score in similar(session, initiative)
        if other.id not in decided
    ]
    session.add_all(found)
    session.flush()
    return found
