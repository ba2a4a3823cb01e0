"""The library's search: words without diacritics, filters, Vietnamese order, pages.

Every initiative keeps two derived columns, refreshed by a flush listener whatever wrote it (the
organisers' forms, imports, the kiosk, a restore):

- ``search_text``: the folded words (``core.i18n.fold``: no diacritics, đ as d, lower case) of
  the title, then `` | ``, then those of the code, summary, sections and authors, each word between
  spaces. A search word matches a row whose ``search_text`` contains it (``LIKE '%word%'``, so a
  word being typed already finds), every word of the query must match (in the text or the unit's
  name), and rows are ranked: the whole phrase in the title, then every word in the title
  (``LIKE '%word%|%'``: before the bar), then the rest.
- ``title_key``: the title's Vietnamese collation key (``core.i18n.sort_key``) spelt in fixed-width
  ASCII, so that ``ORDER BY title_key`` is dictionary order on SQLite and PostgreSQL alike.

Unit names are matched through the units table (a few hundred rows, folded in Python), so that a
renamed unit is found by its new name at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, event, func, literal, or_, select
from sqlalchemy.orm import Session, UOWTransaction, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement as Element

from core.admin import descendants
from core.i18n import fold, sort_key
from core.models import Unit
from initiatives.models import Author, Initiative, RecognitionLevel, SolutionType

WORD = re.compile(r"[^\W_]+")
TITLE_END = "|"
PAGE_SIZE = 25
MAX_QUERY = 200
NOT_RECOGNISED = "none"
SORTS = ("relevance", "title", "unit", "benefit", "newest")
# Fixed width of one letter of the collation key: three base-36 digits.
KEY_BASE = 36
KEY_WIDTH = 3
KEY_MAX = KEY_BASE**KEY_WIDTH - 1


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return WORD.findall(fold(text))


def search_text(initiative: Initiative) -> str:
    """What the search reads of ``initiative`` (see the module's docstring)."""
    rest = [
        initiative.code or "",
        initiative.summary,
        initiative.field,
        initiative.theme,
        initiative.prior_state,
        initiative.solution,
        initiative.applicability,
        initiative.effects,
        *(author.full_name for author in initiative.authors),
    ]
    title = " ".join(words(initiative.title))
    others = " ".join(word for part in rest for word in words(part or ""))
    return f" {title} {TITLE_END} {others} "


def _digits(value: int) -> str:
    """``value`` (0 to KEY_MAX) in KEY_WIDTH base-36 digits."""
    spelt = ""
    for _position in range(KEY_WIDTH):
        value, digit = divmod(value, KEY_BASE)
        spelt = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + spelt
    return spelt


def collation_key(text: str) -> str:
    """``sort_key(text)`` as a string whose plain (byte or locale) order is the same: each
    letter's rank in fixed-width digits, a zero group (so that a prefix sorts first), then the
    tones, one digit each."""
    letters, tones, _text = sort_key(text.strip())
    spelt = "".join(_digits(min(rank, KEY_MAX)) for rank in letters)
    return spelt + _digits(0) + "".join(str(tone) for tone in tones)


def refresh(initiative: Initiative) -> None:
    """Bring the derived columns of ``initiative`` up to date (a no-op when they are)."""
    text, key = search_text(initiative), collation_key(initiative.title or "")
    if initiative.search_text != text:
        initiative.search_text = text
    if initiative.title_key != key:
        initiative.title_key = key


def _refresh_changed(session: Session, _context: UOWTransaction, _objects: Any) -> None:
    """Before a flush: the initiatives written, or whose authors were, get their columns anew."""
    touched: set[Initiative] = set()
    for row in (*session.new, *session.dirty):
        if isinstance(row, Initiative):
            touched.add(row)
        elif isinstance(row, Author) and row.initiative is not None:
            touched.add(row.initiative)
    for initiative in touched:
        if initiative not in session.deleted:
            refresh(initiative)


def listen(sessions: Any) -> None:
    """Keep the columns of every initiative the app's sessions write (``init_app``)."""
    event.listen(sessions, "before_flush", _refresh_changed)


@dataclass(frozen=True)
class Query:
    """A search of the library as the page's form (and the exports) carry it."""

    text: str = ""
    unit_id: int | None = None
    theme: str = ""
    field: str = ""
    year: int | None = None
    solution_type: SolutionType | None = None
    level: str = ""  # a RecognitionLevel's value, NOT_RECOGNISED, or "" for any
    benefit_min: int | None = None
    benefit_max: int | None = None
    sort: str = "relevance"
    page: int = 1

    def args(self, **changes: Any) -> dict[str, str]:
        """The query string of this search (with ``changes``), without its empty fields."""
        values = {
            "q": self.text,
            "unit": self.unit_id,
            "theme": self.theme,
            "field": self.field,
            "year": self.year,
            "type": self.solution_type.value if self.solution_type else "",
            "level": self.level,
            "min": self.benefit_min,
            "max": self.benefit_max,
            "sort": self.sort if self.sort != "relevance" else "",
            "page": self.page if self.page != 1 else "",
        } | changes
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _integer(value: str | None, low: int, high: int) -> int | None:
    digits = (value or "").replace(".", "").replace(" ", "").strip()
    if not digits.isdigit():
        return None
    number = int(digits)
    return number if low <= number <= high else None


def parse_query(args: Mapping[str, str]) -> Query:
    """The search a query string asks for; what is not understood is left out, never an error
    (a hand-edited link still shows the library)."""
    try:
        solution_type: SolutionType | None = SolutionType(args.get("type", ""))
    except ValueError:
        solution_type = None
    level = args.get("level", "")
    known_levels = {member.value for member in RecognitionLevel} | {NOT_RECOGNISED}
    sort = args.get("sort", "")
    return Query(
        text=" ".join(args.get("q", "").split())[:MAX_QUERY],
        unit_id=_integer(args.get("unit"), 1, 2**31 - 1),
        theme=args.get("theme", "").strip()[:200],
        field=args.get("field", "").strip()[:200],
        year=_integer(args.get("year"), 1900, 2999),
        solution_type=solution_type,
        level=level if level in known_levels else "",
        benefit_min=_integer(args.get("min"), 0, 10**15),
        benefit_max=_integer(args.get("max"), 0, 10**15),
        sort=sort if sort in SORTS else "relevance",
        page=_integer(args.get("page"), 1, 100_000) or 1,
    )


def benefit() -> ColumnElement[int | None]:
    """The benefit the library counts: the actual one when measured, else the projected one."""
    return func.coalesce(Initiative.benefit_actual_vnd, Initiative.benefit_vnd)


def _units_named(session: Session, word: str) -> list[int]:
    return [
        unit_id
        for unit_id, name in session.execute(select(Unit.id, Unit.name)).tuples()
        if word in fold(name)
    ]


def conditions(session: Session, query: Query) -> list[ColumnElement[bool]]:
    """The WHERE of ``query``: every word, and every filter chosen."""
    found: list[ColumnElement[bool]] = []
    for word in dict.fromkeys(words(query.text)):
        matched = Initiative.search_text.contains(word, autoescape=True)
        named = _units_named(session, word)
        found.append(or_(matched, Initiative.unit_id.in_(named)) if named else matched)
    if query.unit_id is not None:
        chosen = session.get(Unit, query.unit_id)
        below = descendants(session, chosen) if chosen is not None else set()
        found.append(Initiative.unit_id.in_({query.unit_id} | below))
    if query.theme:
        found.append(Initiative.theme == query.theme)
    if query.field:
        found.append(Initiative.field == query.field)
    if query.year is not None:
        start, end = date(query.year, 1, 1), date(query.year, 12, 31)
        found.append(
            or_(
                Initiative.first_applied_on.between(start, end),
                Initiative.decision_date.between(start, end),
            )
        )
    if query.solution_type is not None:
        found.append(Initiative.solution_type == query.solution_type)
    if query.level == NOT_RECOGNISED:
        found.append(Initiative.recognition_level.is_(None))
    elif query.level:
        found.append(Initiative.recognition_level == RecognitionLevel(query.level))
    if query.benefit_min is not None:
        found.append(benefit() >= query.benefit_min)
    if query.benefit_max is not None:
        found.append(benefit() <= query.benefit_max)
    return found


def _relevance(query: Query) -> Element[int]:
    """0: the whole phrase in the title; 1: every word in the title; 2: the rest."""
    typed = words(query.text)
    if not typed:
        return literal(0)
    phrase = " ".join(typed)
    in_title = [Initiative.search_text.like(f"%{word}%{TITLE_END}%") for word in typed]
    return case(
        (Initiative.search_text.like(f"%{phrase}%{TITLE_END}%"), 0),
        (and_(*in_title), 1),
        else_=2,
    )


def _unit_order(session: Session) -> Element[int]:
    """Each unit's place in Vietnamese order of names; no unit last."""
    units = sorted(
        session.execute(select(Unit.id, Unit.name)).tuples(), key=lambda u: sort_key(u[1])
    )
    places = {unit_id: place for place, (unit_id, _name) in enumerate(units)}
    if not places:
        return literal(0)
    return case(places, value=Initiative.unit_id, else_=len(places))


def ordering(session: Session, query: Query) -> list[Any]:
    by_title = [Initiative.title_key, Initiative.id]
    if query.sort == "unit":
        return [_unit_order(session), *by_title]
    if query.sort == "benefit":
        return [benefit().desc().nulls_last(), *by_title]
    if query.sort == "newest":
        return [Initiative.id.desc()]
    if query.sort == "title" or not words(query.text):
        return by_title
    return [_relevance(query), *by_title]


@dataclass(frozen=True)
class Page:
    """One page of a search's results."""

    query: Query
    total: int
    initiatives: list[Initiative] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def search(session: Session, query: Query, hidden: Sequence[ColumnElement[bool]] = ()) -> Page:
    """The page ``query.page`` of the initiatives ``query`` finds, with their unit and authors;
    ``hidden`` keeps out what this reader may not see (``initiatives.access.hidden``)."""
    where = [*conditions(session, query), *hidden]
    total = session.scalar(select(func.count()).select_from(Initiative).where(*where)) or 0
    page = min(query.page, max(1, -(-total // PAGE_SIZE)))
    found = session.scalars(
        select(Initiative)
        .where(*where)
        .order_by(*ordering(session, query))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .options(joinedload(Initiative.unit), selectinload(Initiative.authors))
    ).all()
    return Page(Query(**{**query.__dict__, "page": page}), total, list(found))


def everything(
    session: Session, query: Query, hidden: Sequence[ColumnElement[bool]] = ()
) -> Iterable[Initiative]:
    """Every initiative ``query`` finds, in its order, for the exports."""
    return session.scalars(
        select(Initiative)
        .where(*conditions(session, query), *hidden)
        .order_by(*ordering(session, query))
        .options(joinedload(Initiative.unit), selectinload(Initiative.authors))
    ).all()
