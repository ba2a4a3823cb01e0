"""Callable factories: each builds the smallest realistic rows a test needs, commits them in a
unit of work of its own, and returns them detached, with their columns loaded (read anything
else through a session)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.auth import hash_password, hash_token, new_token
from core.models import Event, EventMember, EventRole, EventStatus, Organiser, Round, Unit
from initiatives.models import Author, Initiative, Term, TermKind
from kiosk.models import Exhibit
from scoring.models import (
    Criterion,
    Entry,
    Judge,
    JuryRole,
    Panel,
    PanelMember,
    Recusal,
    ScoreSheet,
    SheetStatus,
)
from scoring.rubric import DEFAULT_RUBRIC as RUBRIC
from scoring.rubric import levels

# The default rubric of DOMAIN.md: (key, max).
DEFAULT_RUBRIC = tuple((key, maximum) for key, _vi, _en, maximum, _bands in RUBRIC)
PASSWORD = "mat-khau-thu-nghiem"


def code() -> str:
    return uuid.uuid4().hex[:8]


def new_event(**overrides: Any) -> Event:
    return Event(
        slug=overrides.pop("slug", f"ngay-hoi-{code()}"),
        name=overrides.pop("name", "Ngày hội Lao động sáng tạo thử nghiệm"),
        held_on=overrides.pop("held_on", date(2026, 12, 5)),
        **overrides,
    )


def _described(key: str, maximum: int) -> dict[str, Any]:
    """Names and bands: those of the default rubric for its keys, plain ones for any other."""
    for known, name_vi, name_en, _max, bands in RUBRIC:
        if known == key:
            return {"name_vi": name_vi, "name_en": name_en, "levels": levels(bands)}
    band = {"min": 0, "max": maximum, "vi": "Mọi mức", "en": "Any level"}
    return {"name_vi": f"Tiêu chí {key}", "name_en": f"Criterion {key}", "levels": [band]}


@dataclass(frozen=True)
class Contest:
    """An event in the scoring phase: a rubric, one round, entries from one unit."""

    event: Event
    entries: list[int]
    unit_id: int
    criteria: tuple[tuple[str, int], ...]

    @property
    def slug(self) -> str:
        return self.event.slug


@dataclass(frozen=True)
class MadeJudge:
    id: int
    token: str
    name: str


class Factory:
    def __init__(self, app: Flask) -> None:
        self.app = app

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with self.app.app_context(), db.unit_of_work(write=True) as session:
            yield session

    def unit(self, **overrides: Any) -> Unit:
        with self.writing() as session:
            unit = Unit(**({"code": f"U{code()}", "name": "Điện lực Hải Châu"} | overrides))
            session.add(unit)
            return unit

    def term(self, kind: TermKind = TermKind.THEME, name: str | None = None) -> Term:
        """A name added at the end of a list (the migration put in the defaults)."""
        with self.writing() as session:
            term = Term(kind=kind, name=name or f"Chuyên đề {code()}", position=100)
            session.add(term)
            return term

    def initiative(self, **overrides: Any) -> Initiative:
        with self.writing() as session:
            initiative = Initiative(**({"title": "Cờ lê lực đa năng"} | overrides))
            session.add(initiative)
            return initiative

    def event(self, **overrides: Any) -> Event:
        with self.writing() as session:
            event = new_event(**overrides)
            session.add(event)
            return event

    def contest(
        self,
        criteria: tuple[tuple[str, int], ...] = DEFAULT_RUBRIC,
        entries: int = 3,
        **overrides: Any,
    ) -> Contest:
        overrides.setdefault("status", EventStatus.SCORING)
        with self.writing() as session:
            event = new_event(**overrides)
            unit = Unit(code=f"U{code()}", name="Điện lực Hải Châu")
            session.add_all([event, unit])
            session.flush()
            total = sum(maximum for _, maximum in criteria)
            session.add_all(
                Criterion(
                    event_id=event.id,
                    key=key,
                    weight=Decimal(maximum) / total,
                    max_score=Decimal(maximum),
                    position=position,
                    **_described(key, maximum),
                )
                for position, (key, maximum) in enumerate(criteria, start=1)
            )
            round_ = Round(event_id=event.id, name="Vòng chung khảo", position=1)
            made = [
                Entry(
                    round=round_,
                    initiative=Initiative(title=f"Sáng kiến số {order}", unit_id=unit.id),
                    running_order=order,
                )
                for order in range(1, entries + 1)
            ]
            session.add_all(made)
            session.flush()
            ids = [entry.id for entry in made]
        return Contest(event, ids, unit.id, criteria)

    def judge(
        self, event: Event, *, recused_from: tuple[int, ...] = (), **overrides: Any
    ) -> MadeJudge:
        token = new_token()
        with self.writing() as session:
            judge = Judge(
                event_id=event.id,
                name=overrides.pop("name", "Nguyễn Văn Hùng"),
                role=overrides.pop("role", JuryRole.EXPERT),
                token_hash=hash_token(token),
                **overrides,
            )
            session.add(judge)
            session.flush()
            session.add_all(Recusal(judge_id=judge.id, entry_id=entry) for entry in recused_from)
            return MadeJudge(judge.id, token, judge.name)

    def panel(
        self,
        event: Event,
        *,
        judges: tuple[int, ...] = (),
        entries: tuple[int, ...] = (),
        name: str = "Tiểu ban 1",
    ) -> Panel:
        """A panel of the event's first round with these judges, scoring these entries."""
        with self.writing() as session:
            round_id = session.scalar(
                select(Round.id).where(Round.event_id == event.id).order_by(Round.position)
            )
            panel = Panel(
                round_id=round_id,
                name=name,
                members=[PanelMember(judge_id=judge_id) for judge_id in judges],
            )
            session.add(panel)
            session.flush()
            for entry_id in entries:
                found = session.get(Entry, entry_id)
                assert found is not None
                found.panel_id = panel.id
            return panel

    def sheet(
        self, judge: MadeJudge, entry_id: int, total: float | None = 70.0, *, submitted: bool = True
    ) -> str:
        """A sheet of ``judge`` for the entry, with this total (scores are not filled in)."""
        sheet_id = str(uuid.uuid4())
        with self.writing() as session:
            session.add(
                ScoreSheet(
                    id=sheet_id,
                    judge_id=judge.id,
                    entry_id=entry_id,
                    total=total,
                    status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
                )
            )
        return sheet_id

    def organiser(
        self, *, event: Event | None = None, role: EventRole | None = None, admin: bool = False
    ) -> Organiser:
        with self.app.app_context():
            password_hash = hash_password(PASSWORD)
        with self.writing() as session:
            organiser = Organiser(
                email=f"{code()}@evn.example",
                name="Hoàng Thị Lan Anh",
                password_hash=password_hash,
                is_admin=admin,
            )
            session.add(organiser)
            if event is not None and role is not None:
                session.add(EventMember(event_id=event.id, organiser=organiser, role=role))
            return organiser

    def exhibit(self, event: Event, **overrides: Any) -> Exhibit:
        """An exhibit of a realistic initiative; ``overrides`` go to the initiative."""
        unit = self.unit(name="Công ty Điện lực Quảng Nam")
        with self.writing() as session:
            initiative = Initiative(
                title=overrides.pop(
                    "title", "Ứng dụng AI phát hiện nguy cơ mất an toàn lưới điện từ ảnh flycam"
                ),
                unit_id=unit.id,
                benefit_vnd=overrides.pop("benefit_vnd", 1_200_000_000),
                authors=[
                    Author(position=1, full_name="Nguyễn Văn Hùng", contribution_pct=Decimal(60)),
                    Author(position=2, full_name="Trần Thị Thu Hà", contribution_pct=Decimal(40)),
                ],
                **overrides,
            )
            exhibit = Exhibit(event_id=event.id, initiative=initiative, booth="A01")
            session.add(exhibit)
            return exhibit
