"""Writes on the initiatives' reference lists: the themes (chuyên đề) and fields (lĩnh vực).

Administrators add a name, rename one, move it up or down the list, and take one off. An
initiative keeps the name itself (``Initiative.theme``, ``Initiative.field``): a rename follows
on the initiatives that have the old name, a removal leaves it on them. Names are unique in their
list, whatever their case. Every change is written to the audit log.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from core import audit
from core.admin import unit_lines
from core.errors import Invalid, NotFound
from core.i18n import nfc
from core.models import Organiser
from core.models.base import MAX_ID
from initiatives.models import Initiative, Term, TermKind
from initiatives.record_form import Choices

MAX_NAME = 200
KIND_NAMES = {TermKind.THEME: lazy_gettext("Chuyên đề"), TermKind.FIELD: lazy_gettext("Lĩnh vực")}


def _column(kind: TermKind) -> InstrumentedAttribute[str]:
    """The initiatives' column that holds a name of the list ``kind``."""
    return Initiative.theme if kind == TermKind.THEME else Initiative.field


def terms(session: Session, kind: TermKind) -> list[Term]:
    """The list ``kind`` in its order."""
    return list(
        session.scalars(select(Term).where(Term.kind == kind).order_by(Term.position, Term.id))
    )


def uses(session: Session, term: Term) -> int:
    """How many initiatives have the name ``term``."""
    column = _column(term.kind)
    count = session.scalar(select(func.count()).select_from(Initiative).where(column == term.name))
    return count or 0


def term_or_404(session: Session, term_id: int) -> Term:
    term = session.get(Term, term_id) if 0 < term_id <= MAX_ID else None
    if term is None:
        raise NotFound("term_not_found", _("Không tìm thấy mục này trong danh sách."))
    return term


def parse_kind(value: str) -> TermKind:
    try:
        return TermKind(value)
    except ValueError:
        raise NotFound("list_not_found", _("Không có danh sách này.")) from None


def clean_name(session: Session, kind: TermKind, value: str, term: Term | None = None) -> str:
    """The name, NFC and stripped, if it is not empty, not too long and not in the list yet."""
    name = nfc(value).strip()
    if not name:
        raise Invalid("empty_name", _("Hãy nhập tên."), field="name")
    if len(name) > MAX_NAME:
        raise Invalid("long_name", _("Tên dài quá %(limit)s ký tự.", limit=MAX_NAME), field="name")
    for other in terms(session, kind):
        if other is not term and other.name.casefold() == name.casefold():
            message = _("“%(name)s” đã có trong danh sách.", name=other.name)
            raise Invalid("name_taken", message, field="name")
    return name


def add_term(session: Session, kind: TermKind, name: str, actor: Organiser) -> Term:
    """A new name at the end of the list ``kind``."""
    name = clean_name(session, kind, name)
    last = session.scalar(select(func.max(Term.position)).where(Term.kind == kind))
    term = Term(kind=kind, name=name, position=(last or 0) + 1)
    session.add(term)
    session.flush()
    audit.record(
        session, actor, "term.added", f"term:{term.id}", after={"kind": kind.value, "name": name}
    )
    session.flush()
    return term


def rename_term(session: Session, term: Term, name: str, actor: Organiser) -> int:
    """Give ``term`` a new name, and the initiatives that had the old one; how many they are."""
    name = clean_name(session, term.kind, name, term)
    if name == term.name:
        return 0
    column = _column(term.kind)
    followed = session.scalars(select(Initiative).where(column == term.name)).all()
    for initiative in followed:  # through the ORM: the screens showing them must hear of it
        setattr(initiative, column.key, name)
    before = {"kind": term.kind.value, "name": term.name}
    term.name = name
    after = {"kind": term.kind.value, "name": name, "initiatives": len(followed)}
    audit.record(session, actor, "term.renamed", f"term:{term.id}", before=before, after=after)
    session.flush()
    return len(followed)


def move_term(session: Session, term: Term, step: int, actor: Organiser) -> None:
    """Move ``term`` one place up (``step=-1``) or down (``+1``) its list; at an end, it stays."""
    ordered = terms(session, term.kind)
    index = ordered.index(term)
    target = index + step
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    before, after = {"position": index + 1}, {"position": target + 1}
    audit.record(session, actor, "term.moved", f"term:{term.id}", before=before, after=after)
    session.flush()


def remove_term(session: Session, term: Term, actor: Organiser) -> int:
    """Take ``term`` off its list; the initiatives that have it keep it. How many they are."""
    kept = uses(session, term)
    before = {"kind": term.kind.value, "name": term.name, "initiatives": kept}
    audit.record(session, actor, "term.removed", f"term:{term.id}", before=before)
    session.delete(term)
    session.flush()
    return kept


def record_choices(session: Session) -> Choices:
    """What the record's form offers: the units, the themes' and the fields' names."""
    terms = session.scalars(select(Term).order_by(Term.position, Term.id)).all()
    return Choices(
        units={unit.id: unit.name for unit, _depth in unit_lines(session)},
        themes=[term.name for term in terms if term.kind == TermKind.THEME],
        fields=[term.name for term in terms if term.kind == TermKind.FIELD],
    )
