"""The checklist of recognition (Nghị định 13/2012, Điều 3): what a record proves or lacks, in
plain Vietnamese, and what the worker is shown of it."""

from datetime import date
from decimal import Decimal

import pytest

from initiatives.checklist import (
    LACKING,
    OK,
    WARNING,
    Facts,
    Similar,
    checklist,
    complete,
    missing,
)

GOOD = Facts(
    shares=(Decimal(60), Decimal(40)),
    solution="Giá đỡ thép gập, nâng bằng kích thủy lực.",
    first_applied_on=date(2025, 3, 5),
    benefit_vnd=150_000_000,
    non_monetary_benefits="",
)


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


def by_key(facts):
    return {line.key: line for line in checklist(facts)}


def replaced(**changes):
    return Facts(**(GOOD.__dict__ | changes))


def test_a_good_record_lacks_nothing():
    lines = checklist(GOOD)
    assert [line.key for line in lines] == ["authors", "solution", "applied", "benefit", "novelty"]
    assert all(line.status == OK for line in lines) and complete(lines)
    assert "05/03/2025" in by_key(GOOD)["applied"].said
    assert "150.000.000" in by_key(GOOD)["benefit"].said


def test_shares_that_do_not_add_up_to_100_are_lacking_with_their_total():
    line = by_key(replaced(shares=(Decimal(60), Decimal(30))))["authors"]
    assert line.status == LACKING and "90%" in line.said and "100%" in line.said
    assert by_key(replaced(shares=()))["authors"].status == LACKING
    assert "60,5%" in by_key(replaced(shares=(Decimal("60.5"),)))["authors"].said


def test_no_first_applied_date_is_lacking():
    assert by_key(replaced(first_applied_on=None))["applied"].status == LACKING


def test_a_benefit_not_quantified_needs_the_benefits_not_counted_in_money():
    unquantified = replaced(benefit_vnd=None)
    assert by_key(unquantified)["benefit"].status == LACKING
    stated = replaced(benefit_vnd=None, non_monetary_benefits="Giảm nguy cơ tai nạn khi nâng")
    line = by_key(stated)["benefit"]
    assert line.status == OK and "Chưa lượng hóa được bằng tiền" in line.said


def test_a_similar_earlier_record_of_the_unit_warns_then_lacks_once_ruled_a_duplicate():
    close = Similar("Giá đỡ nâng máy biến áp", Decimal("0.82"), None)
    line = by_key(replaced(similar=(close,)))["novelty"]
    assert line.status == WARNING and "82%" in line.said and close.title in line.said
    assert complete(checklist(replaced(similar=(close,))))  # a warning does not stop it
    ruled = Similar(close.title, close.score, "duplicate")
    assert by_key(replaced(similar=(ruled,)))["novelty"].status == LACKING
    distinct = Similar(close.title, close.score, "distinct")
    assert by_key(replaced(similar=(distinct,)))["novelty"].status == OK


def test_the_worker_sees_what_they_can_do_and_not_another_record():
    ruled = Similar("Sáng kiến của người khác", Decimal("0.9"), "duplicate")
    lines = checklist(replaced(first_applied_on=None, similar=(ruled,)))
    assert not complete(lines)
    assert [line.key for line in missing(lines)] == ["applied"]
