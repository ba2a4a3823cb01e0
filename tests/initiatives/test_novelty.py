"""The novelty check: same unit is a problem to rule on, another unit is a replication."""

from core import db
from initiatives.models import Initiative, Similarity, SimilarityKind
from initiatives.novelty import check_novelty, similarity, words_of
from tests.factories import Factory

TITLE = "Lắp chụp chống chim trên đầu cột đường dây 22 kV"
SUMMARY = "Chụp nhựa chống chim làm tổ gây sự cố một pha trên lưới trung áp"


def check(app, initiative_id: int) -> list[Similarity]:
    with app.app_context(), db.unit_of_work(write=True) as session:
        found = check_novelty(session, session.get(Initiative, initiative_id))
        return sorted(found, key=lambda s: s.other_id)


def test_similarity_ignores_diacritics_and_weighs_the_title():
    first = words_of("Chụp chống chim đầu cột", "chim làm tổ gây sự cố")
    assert similarity(first, words_of("chup chong chim dau cot", "chim lam to gay su co")) == 1
    assert similarity(first, words_of("Robot sửa dây chống sét", "")) < 0.2


def test_same_unit_is_novelty_other_unit_is_replication(app, factory: Factory):
    mine = factory.unit(name="Công ty Điện lực Quảng Nam")
    theirs = factory.unit(name="Công ty Điện lực Quảng Ngãi")
    same = factory.initiative(title=TITLE, summary=SUMMARY, unit_id=mine.id)
    other = factory.initiative(title=TITLE.upper(), summary=SUMMARY, unit_id=theirs.id)
    factory.initiative(title="Robot sửa chữa dây chống sét và cáp quang", unit_id=mine.id)
    new = factory.initiative(
        title="Lap chup chong chim tren dau cot duong day 22kV", summary=SUMMARY, unit_id=mine.id
    )
    found = check(app, new.id)
    assert [(s.other_id, s.kind) for s in found] == [
        (same.id, SimilarityKind.NOVELTY),
        (other.id, SimilarityKind.REPLICATION),
    ]
    assert all(s.decision is None and s.score >= 0.5 for s in found)


def test_only_earlier_records_and_decisions_kept(app, factory: Factory):
    unit = factory.unit()
    first = factory.initiative(title=TITLE, unit_id=unit.id)
    second = factory.initiative(title=TITLE, unit_id=unit.id)
    assert check(app, first.id) == []
    (found,) = check(app, second.id)
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.get(Similarity, found.id).decision = "distinct"
    assert check(app, second.id) == []  # decided: not found anew, not lost
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Similarity, found.id).decision == "distinct"
