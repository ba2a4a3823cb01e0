"""The standardized record read from a form (kiosk registration, dossier): each problem said
once, at the field it is about."""

import pytest

from core import db
from initiatives.record_form import read_registration
from initiatives.service import record_choices
from tests.initiatives.test_dossiers import FORM


def problems_of(app, factory, **changes):
    unit = factory.unit()
    with app.test_request_context(), db.unit_of_work() as session:
        form = FORM | {"unit": str(unit.id), "author-2-share": "40"} | changes
        read, problems = read_registration(form, record_choices(session))
    assert (read is None) == bool(problems)
    return problems


@pytest.mark.parametrize("share", ["1e2", "NaN", "abc"])
def test_an_unreadable_share_is_the_only_problem_of_its_author(app, factory, share):
    only = {"author-1-share": share, "author-2-name": "", "author-2-share": ""}
    assert set(problems_of(app, factory, **only)) == {"author-1-share"}


def test_a_form_without_any_author_asks_for_one(app, factory):
    empty = {f"author-{row}-{field}": "" for row in (1, 2) for field in ("name", "share")}
    assert problems_of(app, factory, **empty) == {"author-1-name": "Hãy nhập ít nhất một tác giả."}


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/1949"])
def test_a_first_application_long_before_any_initiative_is_a_slip(app, factory, typed):
    problems = problems_of(app, factory, first_applied_on=typed)
    assert problems == {"first_applied_on": "Ngày áp dụng lần đầu không hợp lý."}


def test_the_form_as_typed_has_no_problem(app, factory):
    assert problems_of(app, factory, first_applied_on="01/01/1950") == {}
