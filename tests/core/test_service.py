"""Events made, copied and moved along their lifecycle from the console (core/service.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.errors import Conflict, Invalid
from core.models import (
    Aggregation,
    AuditLog,
    Event,
    EventMember,
    EventRole,
    EventStatus,
    Round,
    RoundStatus,
)
from core.service import (
    Blocked,
    EventInput,
    change_status,
    copy_event,
    create_event,
    free_slug,
    parse_day,
    read_event_form,
    slug_of,
)
from scoring.models import Criterion, Judge


@contextmanager
def writing(app) -> Iterator[Session]:
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        yield session


def make(app, organiser, name="Ngày hội Lao động sáng tạo Đà Nẵng 2026", **extra):
    data = EventInput(name, extra.pop("held_on", date(2026, 12, 5)), "Đà Nẵng", None)
    with writing(app) as session:
        event = create_event(session, organiser, data)
        return event.slug


def test_a_new_event_is_a_draft_owned_by_its_creator_with_the_default_rubric(app, factory):
    organiser = factory.organiser()
    slug = make(app, organiser)
    with writing(app) as session:
        event = session.scalar(select(Event).where(Event.slug == slug))
        assert (event.status, event.venue, event.held_on) == (
            EventStatus.DRAFT,
            "Đà Nẵng",
            date(2026, 12, 5),
        )
        member = session.scalar(select(EventMember).where(EventMember.event_id == event.id))
        assert (member.organiser_id, member.role) == (organiser.id, EventRole.OWNER)
        rubric = session.scalars(
            select(Criterion).where(Criterion.event_id == event.id).order_by(Criterion.position)
        ).all()
        assert [(c.key, int(c.max_score)) for c in rubric] == [
            ("novelty", 20),
            ("effectiveness", 25),
            ("benefit", 25),
            ("replicability", 20),
            ("pitch", 10),
        ]
        assert sum(c.weight for c in rubric) == 1
        assert rubric[0].levels[0] == {
            "min": 18,
            "max": 20,
            "vi": "Hoàn toàn mới, chưa bộc lộ công khai",
            "en": "Entirely new, never disclosed",
        }
        rounds = session.scalars(select(Round).where(Round.event_id == event.id)).all()
        assert [(r.name, r.position) for r in rounds] == [("Vòng chung khảo", 1)]
        audit = session.scalar(select(AuditLog).where(AuditLog.event_id == event.id))
        assert (audit.action, audit.actor) == ("event.created", f"organiser:{organiser.id}")
        assert audit.after["name"] == "Ngày hội Lao động sáng tạo Đà Nẵng 2026"


def test_the_address_comes_from_the_vietnamese_name_and_stays_unique(app, factory):
    organiser = factory.organiser()
    slugs = [make(app, organiser) for _ in range(3)]
    assert slugs == [
        "ngay-hoi-lao-dong-sang-tao-da-nang-2026",
        "ngay-hoi-lao-dong-sang-tao-da-nang-2026-2",
        "ngay-hoi-lao-dong-sang-tao-da-nang-2026-3",
    ]
    # Typed with decomposed letters, the name makes the same address.
    decomposed = "Ngày hội Lao động sáng tạo Đà Nẵng 2026".replace("à", "a\u0300")
    with writing(app) as session:
        assert free_slug(session, decomposed) == "ngay-hoi-lao-dong-sang-tao-da-nang-2026-4"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("ĐIỆN LỰC Thừa Thiên Huế — Hội thi", "dien-luc-thua-thien-hue-hoi-thi"),
        ("  Tiết kiệm điện!!! ", "tiet-kiem-dien"),
        ("★★★", "su-kien"),
        ("Ngày hội " * 20, ("ngay-hoi-" * 6)[:-1]),
        ("x" * 80, "x" * 56),
    ],
)
def test_an_address_is_plain_lower_case_letters_and_hyphens(name, slug):
    assert slug_of(name) == slug
    assert len(slug_of(name)) <= 56


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("05/12/2026", date(2026, 12, 5)),
        ("5/1/2027", date(2027, 1, 5)),
        (" 29/02/2028 ", date(2028, 2, 29)),
        ("29/02/2027", None),
        ("2026-12-05", None),
        ("12/31/2026", None),
        ("", None),
    ],
)
def test_dates_are_read_as_day_month_year(text, day):
    assert parse_day(text) == day


def test_a_form_at_fault_says_what_is_wrong_with_each_field(app):
    form = {"name": " ", "held_on": "31/02/2026", "venue": "x" * 301, "unit": "99999999999"}
    with writing(app) as session, pytest.raises(Invalid) as refused:
        read_event_form(session, form)
    fields = refused.value.details["fields"]
    assert fields == {
        "name": "Hãy nhập tên sự kiện.",
        "held_on": "Hãy nhập ngày tổ chức theo dạng ngày/tháng/năm, ví dụ 05/12/2026.",
        "venue": "Địa điểm dài quá 300 ký tự.",
        "unit": "Đơn vị này không có trong danh sách.",
    }


def test_a_form_names_an_existing_unit_and_is_read_in_nfc(app, factory):
    unit = factory.unit(name="Công ty Điện lực Quảng Nam")
    form = {"name": "Hội thi Sa\u0301ng ta\u0323o", "held_on": "05/12/2026", "unit": str(unit.id)}
    with writing(app) as session:
        data = read_event_form(session, form)
    assert data == EventInput("Hội thi Sáng tạo", date(2026, 12, 5), "", unit.id)


def copy_of(app, source_slug, organiser, *, judges):
    data = EventInput("Ngày hội Lao động sáng tạo 2027", date(2027, 12, 4), "Huế", None)
    with writing(app) as session:
        source = session.scalar(select(Event).where(Event.slug == source_slug))
        copy, notes = copy_event(session, source, organiser, data, judges=judges)
        return copy.slug, notes


def read_event(session, slug):
    return session.scalar(select(Event).where(Event.slug == slug))


def test_a_copy_takes_the_settings_rounds_and_rubric_but_no_entries_nor_judges(app, factory):
    contest = factory.contest(
        aggregation=Aggregation.TRIMMED,
        tie_break=["effectiveness", "benefit", "untrimmed_mean"],
        min_prize_score=60,
    )
    factory.judge(contest.event)
    copier = factory.organiser(event=contest.event, role=EventRole.OWNER)
    slug, notes = copy_of(app, contest.slug, copier, judges=False)
    assert notes == []
    with writing(app) as session:
        copy = read_event(session, slug)
        assert slug == "ngay-hoi-lao-dong-sang-tao-2027"
        assert (copy.status, copy.aggregation, copy.min_prize_score) == (
            EventStatus.DRAFT,
            Aggregation.TRIMMED,
            Decimal(60),
        )
        assert copy.tie_break == ["effectiveness", "benefit", "untrimmed_mean"]
        rounds = session.scalars(select(Round).where(Round.event_id == copy.id)).all()
        assert [(r.name, r.position, r.status) for r in rounds] == [
            ("Vòng chung khảo", 1, RoundStatus.OPEN)
        ]
        criteria = session.scalars(select(Criterion).where(Criterion.event_id == copy.id)).all()
        source = session.scalars(
            select(Criterion).where(Criterion.event_id == contest.event.id)
        ).all()
        assert sorted((c.key, c.max_score, c.weight, str(c.levels)) for c in criteria) == sorted(
            (c.key, c.max_score, c.weight, str(c.levels)) for c in source
        )
        assert session.scalars(select(Judge).where(Judge.event_id == copy.id)).all() == []
        owner = session.scalar(select(EventMember).where(EventMember.event_id == copy.id))
        assert (owner.organiser_id, owner.role) == (copier.id, EventRole.OWNER)
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "event.copied"))
        assert audit.after["source"] == contest.slug


def test_a_copy_with_its_judges_gives_them_new_cards(app, factory):
    contest = factory.contest()
    chair = factory.judge(contest.event, name="Nguyễn Thị Kim Oanh", is_chair=True)
    factory.judge(contest.event, name="Lê Hoàng Nam")
    factory.judge(contest.event, name="Vũ Đình Long", active=False)
    slug, notes = copy_of(app, contest.slug, factory.organiser(admin=True), judges=True)
    assert notes == [
        "Đã sao chép 2 giám khảo. Thẻ cũ không mở được sự kiện mới: hãy cấp thẻ mới cho từng "
        "người ở trang Tiến độ chấm điểm."
    ]
    with writing(app) as session:
        copy = read_event(session, slug)
        old = session.scalars(select(Judge).where(Judge.event_id == contest.event.id)).all()
        new = session.scalars(select(Judge).where(Judge.event_id == copy.id)).all()
        assert sorted((j.name, j.is_chair, j.role) for j in new) == [
            ("Lê Hoàng Nam", False, old[0].role),
            ("Nguyễn Thị Kim Oanh", True, old[0].role),
        ]
        assert not {j.token_hash for j in new} & {j.token_hash for j in old}
        assert chair.id not in {j.id for j in new}


def move(app, slug, target, *, override=False, actor="organiser:1"):
    with writing(app) as session:
        change_status(session, read_event(session, slug), target, actor, override=override)


def status_of(app, slug):
    with writing(app) as session:
        event = read_event(session, slug)
        rounds = session.scalars(select(Round.status).where(Round.event_id == event.id)).all()
        return event.status, rounds


def test_an_event_goes_from_draft_to_published_and_each_step_is_audited(app, factory):
    contest = factory.contest(status=EventStatus.DRAFT)
    factory.judge(contest.event)
    for target in (EventStatus.OPEN, EventStatus.SCORING):
        move(app, contest.slug, target)
    assert status_of(app, contest.slug) == (EventStatus.SCORING, [RoundStatus.OPEN])
    move(app, contest.slug, EventStatus.LOCKED, override=True)  # nobody scored yet
    assert status_of(app, contest.slug) == (EventStatus.LOCKED, [RoundStatus.LOCKED])
    move(app, contest.slug, EventStatus.PUBLISHED)
    with writing(app) as session:
        audit = session.scalars(
            select(AuditLog).where(AuditLog.action == "event.status").order_by(AuditLog.id)
        ).all()
        assert [(a.before["status"], a.after["status"]) for a in audit] == [
            ("draft", "open"),
            ("open", "scoring"),
            ("scoring", "locked"),
            ("locked", "published"),
        ]
        assert "3 phiếu chấm chưa có" in audit[2].reason


def test_the_scoring_pauses_and_reopens_after_a_lock(app, factory):
    contest = factory.contest()
    factory.judge(contest.event)
    move(app, contest.slug, EventStatus.OPEN)
    assert status_of(app, contest.slug) == (EventStatus.OPEN, [RoundStatus.OPEN])
    move(app, contest.slug, EventStatus.SCORING)
    move(app, contest.slug, EventStatus.LOCKED, override=True)
    move(app, contest.slug, EventStatus.SCORING)
    # The rounds stay locked and sealed: each reopens on the chair's console, with a reason.
    assert status_of(app, contest.slug) == (EventStatus.SCORING, [RoundStatus.LOCKED])


@pytest.mark.parametrize(
    ("status", "target"),
    [
        (EventStatus.DRAFT, EventStatus.SCORING),
        (EventStatus.DRAFT, EventStatus.DRAFT),
        (EventStatus.OPEN, EventStatus.DRAFT),
        (EventStatus.PUBLISHED, EventStatus.LOCKED),
        (EventStatus.SCORING, EventStatus.PUBLISHED),
    ],
)
def test_an_event_moves_one_step_at_a_time(app, factory, status, target):
    contest = factory.contest(status=status)
    with pytest.raises(Conflict) as refused:
        move(app, contest.slug, target)
    assert refused.value.code == "transition_not_allowed"
    assert status_of(app, contest.slug)[0] == status


def test_a_new_event_cannot_start_scoring_before_it_has_judges_and_entries(app, factory):
    slug = make(app, factory.organiser())
    move(app, slug, EventStatus.OPEN)
    with pytest.raises(Blocked) as refused:
        move(app, slug, EventStatus.SCORING, override=True)  # no override for these
    assert refused.value.details["blockers"] == ["Chưa có giám khảo.", "Chưa có bài dự thi."]
    assert status_of(app, slug)[0] == EventStatus.OPEN
