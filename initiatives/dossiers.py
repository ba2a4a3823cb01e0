"""Writes and reads of the dossiers (hồ sơ công nhận sáng kiến): an initiative's way from the
worker's draft to its recognition, with the unit's support team (Tổ hỗ trợ sáng kiến).

The states and who moves a dossier between them::

    nháp --(worker: nộp)--> đã nộp --(team: nhận hỗ trợ)--> đang hỗ trợ
        --(team: xác nhận đủ hồ sơ)--> đủ hồ sơ --(team: công nhận)--> đã công nhận
    đã nộp, đang hỗ trợ, đủ hồ sơ --(team: trả lại, with a reason)--> trả lại --(worker: nộp)--> ...

Any other move is refused with a :class:`~core.errors.Conflict` that says why, in Vietnamese.
Every move writes a :class:`DossierStep` (from, to, when, who, why) and a row of the audit log
(subject ``dossier:<id>``); so do the worker's corrections and files, the team's assignments and
comments. "Đủ hồ sơ" needs a record that lacks nothing of the checklist
(``initiatives.checklist``); the recognition is written on the record by
``initiatives.recognition``, like an administrator's.

A worker starts a dossier from the public page, from their personal link or at the kiosk; an
initiative imported already recognised has no dossier: its recognition is on the record, and the
queue is for what still waits for one. The worker's personal link carries a random token; only
its SHA-256 digest is stored, shared by every dossier started from the same link.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from core import audit, db, signals
from core.admin import descendants
from core.auth import hash_token, new_token
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.models import AuditLog, Organiser, Unit
from core.models.base import MAX_ID, utcnow
from initiatives import checklist
from initiatives.models import (
    LINK_ORIGIN,
    Attachment,
    AttachmentKind,
    Dossier,
    DossierComment,
    DossierState,
    DossierStep,
    Initiative,
    RecognitionLevel,
    Similarity,
    SimilarityKind,
    SupportMember,
)
from initiatives.novelty import check_novelty
from initiatives.photos import Photo, new_photo_path, small_path, write_photo
from initiatives.recognition import Recognition, update_recognition
from initiatives.recognition import change_lines as recognition_lines
from initiatives.record_form import Registration, clean, described, fill_record

WORKER = "worker"
KIOSK = "kiosk"
# What a worker changed through their personal link (``signals.worker_changed_record``).
CORRECTED = "corrected"
FILES = "files"
FOLDER = "dossiers"
MOST_FILES = 10
MOST_REASON = 1000
MOST_COMMENT = 4000

STATE_NAMES = {
    DossierState.DRAFT: lazy_gettext("Nháp"),
    DossierState.SUBMITTED: lazy_gettext("Đã nộp"),
    DossierState.SUPPORTING: lazy_gettext("Đang hỗ trợ"),
    DossierState.COMPLETE: lazy_gettext("Đủ hồ sơ"),
    DossierState.RECOGNISED: lazy_gettext("Đã công nhận"),
    DossierState.RETURNED: lazy_gettext("Trả lại"),
}
# The states in the order a dossier goes through them; "trả lại" aside, last.
STATES = (
    DossierState.DRAFT,
    DossierState.SUBMITTED,
    DossierState.SUPPORTING,
    DossierState.COMPLETE,
    DossierState.RECOGNISED,
    DossierState.RETURNED,
)
# The worker may change the record only while it is theirs.
EDITABLE = frozenset({DossierState.DRAFT, DossierState.RETURNED})


@dataclass(frozen=True)
class Move:
    """A move of the workflow: from which states, to which, and its name in a refusal."""

    sources: frozenset[DossierState]
    target: DossierState
    name: Any  # a lazy string


MOVES = {
    "submit": Move(
        frozenset({DossierState.DRAFT, DossierState.RETURNED}),
        DossierState.SUBMITTED,
        lazy_gettext("nộp hồ sơ"),
    ),
    "support": Move(
        frozenset({DossierState.SUBMITTED}), DossierState.SUPPORTING, lazy_gettext("nhận hỗ trợ")
    ),
    "return": Move(
        frozenset({DossierState.SUBMITTED, DossierState.SUPPORTING, DossierState.COMPLETE}),
        DossierState.RETURNED,
        lazy_gettext("trả lại hồ sơ"),
    ),
    "complete": Move(
        frozenset({DossierState.SUPPORTING}),
        DossierState.COMPLETE,
        lazy_gettext("xác nhận đủ hồ sơ"),
    ),
    "recognise": Move(
        frozenset({DossierState.COMPLETE}), DossierState.RECOGNISED, lazy_gettext("công nhận")
    ),
}


def subject(dossier: Dossier) -> str:
    return f"dossier:{dossier.id}"


def _move(
    session: Session, dossier: Dossier, action: str, actor: Organiser | str, reason: str = ""
) -> None:
    """Move the dossier, or refuse a move the workflow does not allow."""
    move = MOVES[action]
    if dossier.state not in move.sources:
        message = _(
            "Hồ sơ đang ở trạng thái “%(state)s”: không thể %(action)s.",
            state=STATE_NAMES[dossier.state],
            action=move.name,
        )
        raise Conflict("illegal_transition", message, state=dossier.state.value)
    before = dossier.state
    now = utcnow()
    dossier.state = move.target
    dossier.state_since = now
    named = audit.actor(actor) if isinstance(actor, Organiser) else actor
    session.add(
        DossierStep(
            dossier_id=dossier.id,
            from_state=before,
            to_state=move.target,
            at=now,
            actor=named,
            reason=reason,
        )
    )
    audit.record(
        session,
        actor,
        f"dossier.{action}",
        subject(dossier),
        before={"state": before.value},
        after={"state": move.target.value},
        reason=reason,
    )
    session.flush()


# --- The worker's side -------------------------------------------------------------------------


def new_link() -> tuple[str, str]:
    """A personal link's token, to show once, and its digest, to store."""
    token = new_token()
    return token, hash_token(token)


def open_dossier(
    session: Session,
    initiative: Initiative,
    actor: str,
    link_digest: str,
    origin: str = LINK_ORIGIN,
) -> Dossier:
    """A draft dossier for an initiative just registered (flushed), found in the personal link
    of ``link_digest``; the novelty check runs on the record."""
    now = utcnow()
    dossier = Dossier(
        initiative=initiative, link_digest=link_digest, origin=origin, state_since=now
    )
    session.add(dossier)
    session.flush()
    session.add(
        DossierStep(
            dossier_id=dossier.id, from_state=None, to_state=DossierState.DRAFT, at=now, actor=actor
        )
    )
    audit.record(
        session,
        actor,
        "dossier.started",
        subject(dossier),
        after={"state": DossierState.DRAFT.value, "initiative": initiative.id, "origin": origin},
    )
    check_novelty(session, initiative)
    return dossier


def start_dossier(
    session: Session, registration: Registration, link_digest: str, *, submit: bool = False
) -> Dossier:
    """The worker's new record and its dossier, submitted at once if they asked."""
    initiative = Initiative()
    fill_record(initiative, registration)
    session.add(initiative)
    session.flush()
    audit.record(
        session,
        WORKER,
        "initiative.registered",
        f"initiative:{initiative.id}",
        after=described(registration),
    )
    dossier = open_dossier(session, initiative, WORKER, link_digest)
    if submit:
        submit_dossier(session, dossier)
    return dossier


def correct_record(session: Session, dossier: Dossier, registration: Registration) -> None:
    """The worker's correction of the record, while the dossier is theirs (nháp, trả lại).

    The other packages hear of it in the same transaction (``signals.worker_changed_record``):
    an approved exhibit of the record goes back to the organisers, who approved another text;
    a pitch being scored refuses it (a ``Conflict``), since the jury scores what it read."""
    if dossier.state not in EDITABLE:
        message = _(
            "Hồ sơ đang ở trạng thái “%(state)s”: chỉ sửa được khi là nháp hoặc bị trả lại.",
            state=STATE_NAMES[dossier.state],
        )
        raise Conflict("not_editable", message)
    initiative = dossier.initiative
    before = _record_shares(initiative)
    fill_record(initiative, registration)
    session.flush()
    audit.record(
        session,
        WORKER,
        "dossier.corrected",
        subject(dossier),
        before={"authors": before},
        after=described(registration),
    )
    signals.worker_changed_record.send(dossier, session=session, change=CORRECTED)
    check_novelty(session, initiative)


def _record_shares(initiative: Initiative) -> list[dict[str, str]]:
    return [
        {"full_name": author.full_name, "contribution_pct": str(author.contribution_pct)}
        for author in initiative.authors
    ]


def submit_dossier(session: Session, dossier: Dossier) -> None:
    """The worker hands the dossier to the support team (again, after a return)."""
    _move(session, dossier, "submit", WORKER)
    dossier.submitted_at = dossier.state_since
    dossier.returned_reason = ""
    session.flush()


@dataclass(frozen=True)
class Document:
    """A PDF the worker sends with the dossier."""

    name: str
    data: bytes


MOST_DOCUMENT_BYTES = 8 * 1024 * 1024


def read_document(name: str, data: bytes) -> Document:
    """A PDF, checked by its first bytes (not by its name) and its size."""
    if len(data) > MOST_DOCUMENT_BYTES:
        raise Invalid("file_too_large", _("Tệp “%(name)s” lớn hơn 8 MB.", name=name))
    if not data.startswith(b"%PDF-"):
        raise Invalid("file_unreadable", _("Tệp “%(name)s” không phải tệp PDF.", name=name))
    return Document(clean(name, 200), data)


def _write_file(folder: Path, path: str, data: bytes) -> None:
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def add_files(
    session: Session,
    dossier: Dossier,
    photos: Sequence[Photo],
    documents: Sequence[Document],
    folder: Path,
) -> int:
    """Photos and PDFs added to the record (rows now, files once committed); how many. An
    approved exhibit of the record goes back to the organisers (``signals.worker_changed_record``):
    visitors would see photos nobody approved."""
    if dossier.state == DossierState.RECOGNISED:
        raise Conflict("recognised", _("Hồ sơ đã được công nhận: không thêm tài liệu được nữa."))
    initiative = dossier.initiative
    if len(initiative.attachments) + len(photos) + len(documents) > MOST_FILES:
        raise Invalid("too_many_files", _("Mỗi hồ sơ có tối đa %(count)s tệp.", count=MOST_FILES))
    if not photos and not documents:
        raise Invalid("no_file", _("Hãy chọn ít nhất một tệp."))
    for photo in photos:
        path = new_photo_path(FOLDER)
        initiative.attachments.append(Attachment(kind=AttachmentKind.PHOTO, path=path))
        db.after_commit(session, partial(write_photo, folder, path, photo))
    for document in documents:
        path = f"{FOLDER}/{new_token()}.pdf"
        attachment = Attachment(kind=AttachmentKind.DOCUMENT, path=path, caption=document.name)
        initiative.attachments.append(attachment)
        db.after_commit(session, partial(_write_file, folder, path, document.data))
    session.flush()
    audit.record(
        session,
        WORKER,
        "dossier.files_added",
        subject(dossier),
        after={"photos": len(photos), "documents": [document.name for document in documents]},
    )
    signals.worker_changed_record.send(dossier, session=session, change=FILES)
    return len(photos) + len(documents)


def attachment_file(attachment: Attachment, small: bool = False) -> str:
    """The file of an attachment as the pages serve it: a photo's thumbnail if ``small``."""
    if small and attachment.kind == AttachmentKind.PHOTO:
        return small_path(attachment.path)
    return attachment.path


def worker_dossiers(session: Session, token: str) -> list[Dossier]:
    """The dossiers of a personal link, the newest first; none for a token that opens nothing."""
    if not token or len(token) > 64:
        return []
    return list(
        session.scalars(
            select(Dossier)
            .where(Dossier.link_digest == hash_token(token))
            .options(
                joinedload(Dossier.initiative).selectinload(Initiative.authors),
                joinedload(Dossier.initiative).selectinload(Initiative.attachments),
                joinedload(Dossier.initiative).joinedload(Initiative.unit),
            )
            .order_by(Dossier.created_at.desc(), Dossier.id.desc())
        ).unique()
    )


def _locked(session: Session, query: Select[tuple[Dossier]]) -> Select[tuple[Dossier]]:
    """In a write transaction, the dossier's row is read locked (``FOR UPDATE``) and afresh: two
    changes of one dossier (two members' moves, a correction and "nhận hỗ trợ", two sendings of
    files against the limit) then run one after the other on PostgreSQL, the second seeing what
    the first did, as SQLite's write lock already has them do."""
    if not db.is_writing(session):
        return query
    return query.with_for_update(of=Dossier).execution_options(populate_existing=True)


def worker_dossier(session: Session, token: str, dossier_id: int) -> Dossier:
    """One dossier of a personal link (locked when writing); any other answers "not found",
    whether it exists or not."""
    if token and len(token) <= 64 and 0 < dossier_id <= MAX_ID:
        query = select(Dossier).where(
            Dossier.id == dossier_id, Dossier.link_digest == hash_token(token)
        )
        found = session.scalar(_locked(session, query))
        if found is not None:
            return found
    raise NotFound("dossier_not_found", _("Không tìm thấy hồ sơ này."))


# --- The support team --------------------------------------------------------------------------


def support_units(session: Session, organiser: Organiser) -> set[int] | None:
    """The units whose dossiers ``organiser`` handles (their units and sub-units); None: every
    unit (a site administrator)."""
    if organiser.is_admin:
        return None
    units: set[int] = set()
    for unit in session.scalars(
        select(Unit).join(SupportMember).where(SupportMember.organiser_id == organiser.id)
    ):
        units |= {unit.id} | descendants(session, unit)
    return units


def is_support_member(session: Session, organiser: Organiser) -> bool:
    found = session.scalar(
        select(SupportMember.id).where(SupportMember.organiser_id == organiser.id).limit(1)
    )
    return found is not None


def may_handle(session: Session, organiser: Organiser, dossier: Dossier) -> bool:
    units = support_units(session, organiser)
    return units is None or dossier.initiative.unit_id in units


def dossier_or_404(session: Session, dossier_id: int, organiser: Organiser) -> Dossier:
    """The dossier, if ``organiser`` handles it (locked when writing); another unit's answers
    403."""
    query = select(Dossier).where(Dossier.id == dossier_id)
    dossier = session.scalar(_locked(session, query)) if 0 < dossier_id <= MAX_ID else None
    if dossier is None:
        raise NotFound("dossier_not_found", _("Không tìm thấy hồ sơ này."))
    if not may_handle(session, organiser, dossier):
        message = _("Hồ sơ này thuộc đơn vị mà bạn không ở trong Tổ hỗ trợ sáng kiến.")
        raise Forbidden("forbidden", message)
    return dossier


def team_of(session: Session, dossier: Dossier) -> list[Organiser]:
    """Who may be assigned the dossier: the support members of its unit and of the units above."""
    unit_ids: list[int] = []
    unit = dossier.initiative.unit
    while unit is not None and unit.id not in unit_ids:
        unit_ids.append(unit.id)
        unit = unit.parent
    found = session.scalars(
        select(Organiser)
        .join(SupportMember, SupportMember.organiser_id == Organiser.id)
        .where(SupportMember.unit_id.in_(unit_ids))
        .order_by(Organiser.name, Organiser.id)
    ).unique()
    return list(dict.fromkeys(found))


def assign(
    session: Session, dossier: Dossier, assignee: Organiser | None, actor: Organiser
) -> None:
    """Give the dossier to a member of its unit's support team (None: to nobody)."""
    if assignee is not None and assignee not in team_of(session, dossier):
        message = _("Người này không ở trong Tổ hỗ trợ sáng kiến của đơn vị.")
        raise Invalid("not_a_member", message, field="assignee")
    before = dossier.assignee_id
    dossier.assignee_id = assignee.id if assignee is not None else None
    session.flush()
    audit.record(
        session,
        actor,
        "dossier.assigned",
        subject(dossier),
        before={"assignee": before},
        after={"assignee": dossier.assignee_id},
    )


def take_into_support(session: Session, dossier: Dossier, member: Organiser) -> None:
    """A member takes a submitted dossier in hand; it becomes theirs if it was nobody's."""
    _move(session, dossier, "support", member)
    if dossier.assignee_id is None:
        assign(session, dossier, member, member)


def _reason(text: str) -> str:
    reason = clean(text, MOST_REASON + 1, lines=True)
    if not reason:
        raise Invalid("reason_required", _("Hãy ghi cho người lao động biết cần bổ sung gì."))
    if len(reason) > MOST_REASON:
        raise Invalid("reason_too_long", _("Tối đa %(count)s ký tự.", count=MOST_REASON))
    return reason


def return_dossier(session: Session, dossier: Dossier, reason: str, member: Organiser) -> None:
    """Send the dossier back to the worker, saying what to add or correct (they read it)."""
    reason = _reason(reason)
    _move(session, dossier, "return", member, reason)
    dossier.returned_reason = reason
    session.flush()


def mark_complete(session: Session, dossier: Dossier, member: Organiser) -> None:
    """ "Đủ hồ sơ": refused while the checklist lacks anything, with what it lacks."""
    lacking = [line for line in lines(session, dossier) if line.lacking]
    if lacking and dossier.state in MOVES["complete"].sources:
        said = "; ".join(line.said for line in lacking)
        message = _("Hồ sơ chưa đủ: %(lacking)s", lacking=said)
        raise Conflict("incomplete", message)
    _move(session, dossier, "complete", member)


def recognise(
    session: Session,
    dossier: Dossier,
    level: RecognitionLevel | None,
    number: str,
    decided_on: date | None,
    member: Organiser,
) -> None:
    """ "Đã công nhận", with the decision's level, number and date written on the record."""
    if level is None or not number or decided_on is None:
        message = _("Hãy ghi cấp công nhận, số và ngày quyết định.")
        raise Invalid("decision_required", message, field="recognition_level")
    _move(session, dossier, "recognise", member)
    initiative = dossier.initiative
    recognition = Recognition(
        level, number, decided_on, initiative.benefit_vnd, initiative.benefit_actual_vnd
    )
    update_recognition(session, initiative, recognition, member)


def comment(session: Session, dossier: Dossier, body: str, member: Organiser) -> DossierComment:
    """A private note of the support team on the dossier."""
    text = clean(body, MOST_COMMENT + 1, lines=True)
    if not text:
        raise Invalid("comment_empty", _("Hãy nhập nội dung ghi chú."), field="body")
    if len(text) > MOST_COMMENT:
        raise Invalid("comment_too_long", _("Tối đa %(count)s ký tự.", count=MOST_COMMENT))
    note = DossierComment(dossier_id=dossier.id, organiser_id=member.id, body=text)
    session.add(note)
    session.flush()
    audit.record(session, member, "dossier.commented", subject(dossier), after={"comment": note.id})
    return note


# --- Reads --------------------------------------------------------------------------------------


def facts(session: Session, initiative: Initiative) -> checklist.Facts:
    """What the checklist reads of the record, with the novelty check's same-unit findings."""
    similar = session.execute(
        select(Initiative.title, Similarity.score, Similarity.decision)
        .join(Initiative, Initiative.id == Similarity.other_id)
        .where(
            Similarity.initiative_id == initiative.id,
            Similarity.kind == SimilarityKind.NOVELTY,
        )
        .order_by(Similarity.score.desc(), Similarity.id)
    ).tuples()
    return checklist.Facts(
        shares=tuple(author.contribution_pct for author in initiative.authors),
        solution=initiative.solution,
        first_applied_on=initiative.first_applied_on,
        benefit_vnd=initiative.benefit_vnd,
        non_monetary_benefits=initiative.non_monetary_benefits,
        similar=tuple(
            checklist.Similar(title, score, decision.value if decision else None)
            for title, score, decision in similar
        ),
    )


def lines(session: Session, dossier: Dossier) -> list[checklist.Line]:
    return checklist.checklist(facts(session, dossier.initiative))


@dataclass(frozen=True)
class Filters:
    state: DossierState | None = None
    unit_id: int | None = None
    mine: bool = False


def parse_filters(args: Any) -> Filters:
    """The queue's filters from the query string; what is not understood is no filter."""
    try:
        state = DossierState(args.get("state", ""))
    except ValueError:
        state = None
    unit = args.get("unit", "")
    unit_id = int(unit) if unit.isascii() and unit.isdecimal() and 0 < int(unit) <= MAX_ID else None
    return Filters(state, unit_id, args.get("mine") == "1")


def queue(session: Session, organiser: Organiser, filters: Filters = Filters()) -> list[Dossier]:
    """The dossiers ``organiser`` handles, filtered, those waiting longest first."""
    query = (
        select(Dossier)
        .join(Initiative, Initiative.id == Dossier.initiative_id)
        .options(
            joinedload(Dossier.initiative).joinedload(Initiative.unit),
            joinedload(Dossier.assignee),
        )
        .order_by(Dossier.state_since, Dossier.id)
    )
    units = support_units(session, organiser)
    if units is not None:
        query = query.where(Initiative.unit_id.in_(units))
    if filters.state is not None:
        query = query.where(Dossier.state == filters.state)
    if filters.unit_id is not None:
        unit = session.get(Unit, filters.unit_id)
        chosen = {filters.unit_id} | (descendants(session, unit) if unit is not None else set())
        query = query.where(Initiative.unit_id.in_(chosen))
    if filters.mine:
        query = query.where(Dossier.assignee_id == organiser.id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Wait:
    """How long the dossiers now in a state have waited there, and how long the stays that
    ended there lasted (its median): Brightidea's "time in each state"."""

    state: DossierState
    count: int
    median: timedelta | None
    oldest: timedelta | None
    past_median: timedelta | None = None


def _median(times: list[timedelta]) -> timedelta | None:
    if not times:
        return None
    ordered = sorted(times)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def waits(
    dossiers: Iterable[Dossier], history: Iterable[DossierStep] = (), now: datetime | None = None
) -> list[Wait]:
    """Per state, in the workflow's order: how many dossiers are in it, their median and longest
    wait so far (from ``state_since``), and the median of the stays there that have ended (from
    ``history``, the steps of those dossiers ordered by dossier and time: :func:`history_of`)."""
    now = now or utcnow()
    waited: dict[DossierState, list[timedelta]] = {state: [] for state in STATES}
    for dossier in dossiers:
        waited[dossier.state].append(now - dossier.state_since)
    ended: dict[DossierState, list[timedelta]] = {state: [] for state in STATES}
    previous: DossierStep | None = None
    for step in history:
        if previous is not None and previous.dossier_id == step.dossier_id:
            ended[previous.to_state].append(step.at - previous.at)
        previous = step
    return [
        Wait(
            state, len(times), _median(times), max(times) if times else None, _median(ended[state])
        )
        for state, times in waited.items()
    ]


def history_of(session: Session, dossiers: Sequence[Dossier]) -> list[DossierStep]:
    """The steps of ``dossiers``, by dossier then time: one read for :func:`waits`."""
    ids = [dossier.id for dossier in dossiers]
    if not ids:
        return []
    return list(
        session.scalars(
            select(DossierStep)
            .where(DossierStep.dossier_id.in_(ids))
            .order_by(DossierStep.dossier_id, DossierStep.at, DossierStep.id)
        )
    )


@dataclass(frozen=True)
class Stay:
    """A stretch a dossier spent in a state: from a step to the next (or to now)."""

    state: DossierState
    since: datetime
    lasted: timedelta
    actor: str
    reason: str


def steps(session: Session, dossier: Dossier) -> list[DossierStep]:
    return list(
        session.scalars(
            select(DossierStep)
            .where(DossierStep.dossier_id == dossier.id)
            .order_by(DossierStep.at, DossierStep.id)
        )
    )


def stays(history: Sequence[DossierStep], now: datetime | None = None) -> list[Stay]:
    """The dossier's history as the time spent in each state, in order."""
    now = now or utcnow()
    ends = [step.at for step in history[1:]] + [now]
    return [
        Stay(step.to_state, step.at, end - step.at, step.actor, step.reason)
        for step, end in zip(history, ends, strict=True)
    ]


def comments(session: Session, dossier: Dossier) -> list[DossierComment]:
    return list(
        session.scalars(
            select(DossierComment)
            .where(DossierComment.dossier_id == dossier.id)
            .options(joinedload(DossierComment.organiser))
            .order_by(DossierComment.at, DossierComment.id)
        )
    )


def trail(session: Session, dossier: Dossier) -> list[AuditLog]:
    """The dossier's audit trail, oldest first: its moves, corrections, files, assignments and
    comments, the record's registration and the recognition written on it."""
    record = f"initiative:{dossier.initiative_id}"
    return list(
        session.scalars(
            select(AuditLog)
            .where(
                or_(
                    AuditLog.subject == subject(dossier),
                    (AuditLog.subject == record)
                    & AuditLog.action.in_(("initiative.registered", "initiative.recognition")),
                )
            )
            .order_by(AuditLog.at, AuditLog.id)
        )
    )


def loaded(session: Session, dossier: Dossier) -> Dossier:
    """The dossier with its record's authors, files and unit, for a page."""
    return session.scalars(
        select(Dossier)
        .where(Dossier.id == dossier.id)
        .options(
            joinedload(Dossier.initiative).selectinload(Initiative.authors),
            joinedload(Dossier.initiative).selectinload(Initiative.attachments),
            joinedload(Dossier.initiative).joinedload(Initiative.unit),
            joinedload(Dossier.assignee),
        )
    ).one()


# --- The support teams --------------------------------------------------------------------------


def members(session: Session, unit_ids: Iterable[int] | None = None) -> list[SupportMember]:
    """The support teams' members, by unit (every unit's, or those of ``unit_ids``)."""
    query = select(SupportMember).options(
        joinedload(SupportMember.unit), joinedload(SupportMember.organiser)
    )
    if unit_ids is not None:
        query = query.where(SupportMember.unit_id.in_(list(unit_ids)))
    found = session.scalars(query).all()
    return sorted(found, key=lambda m: (m.unit.name, m.organiser.name, m.id))


def add_member(session: Session, unit: Unit, email: str, actor: Organiser) -> SupportMember:
    """Put the organiser account of ``email`` in the unit's support team."""
    address = clean(email, 254).lower()
    organiser = session.scalar(select(Organiser).where(Organiser.email == address))
    if organiser is None:
        message = _("Không có tài khoản nào với email “%(email)s”.", email=address)
        raise Invalid("no_account", message, field="email")
    taken = session.scalar(
        select(SupportMember.id).where(
            SupportMember.unit_id == unit.id, SupportMember.organiser_id == organiser.id
        )
    )
    if taken is not None:
        message = _("%(name)s đã ở trong Tổ hỗ trợ của đơn vị này.", name=organiser.name)
        raise Conflict("already_member", message)
    member = SupportMember(unit_id=unit.id, organiser_id=organiser.id)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        "support.member_added",
        f"unit:{unit.id}",
        after={"organiser": organiser.id, "email": organiser.email},
    )
    return member


def member_or_404(session: Session, member_id: int) -> SupportMember:
    found = session.get(SupportMember, member_id) if 0 < member_id <= MAX_ID else None
    if found is None:
        raise NotFound("member_not_found", _("Không tìm thấy thành viên này."))
    return found


def remove_member(session: Session, member: SupportMember, actor: Organiser) -> None:
    audit.record(
        session,
        actor,
        "support.member_removed",
        f"unit:{member.unit_id}",
        before={"organiser": member.organiser_id},
    )
    session.delete(member)
    session.flush()


def duration(value: timedelta | None) -> str:
    """A wait in the reader's words, to the day, hour or minute: "3 ngày 4 giờ", "25 phút"."""
    if value is None:
        return "–"
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return str(_("%(days)s ngày %(hours)s giờ", days=days, hours=hours))
    if hours:
        return str(_("%(hours)s giờ %(minutes)s phút", hours=hours, minutes=minutes))
    return str(_("%(minutes)s phút", minutes=minutes))


ACTION_NAMES = {
    "initiative.registered": lazy_gettext("Đăng ký sáng kiến"),
    "dossier.started": lazy_gettext("Bắt đầu hồ sơ"),
    "dossier.submit": lazy_gettext("Nộp hồ sơ"),
    "dossier.support": lazy_gettext("Nhận hỗ trợ"),
    "dossier.return": lazy_gettext("Trả lại hồ sơ"),
    "dossier.complete": lazy_gettext("Xác nhận đủ hồ sơ"),
    "dossier.recognise": lazy_gettext("Công nhận"),
    "dossier.corrected": lazy_gettext("Sửa hồ sơ"),
    "dossier.files_added": lazy_gettext("Thêm ảnh, tài liệu"),
    "dossier.assigned": lazy_gettext("Phân công"),
    "dossier.commented": lazy_gettext("Thêm ghi chú"),
    "initiative.recognition": lazy_gettext("Ghi quyết định công nhận"),
}


def actor_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """How the pages name the actors of a history: organisers by name, the worker, the kiosk."""
    names = {WORKER: str(_("Người lao động")), KIOSK: str(_("Kiosk đăng ký"))}
    ids = {int(a.partition(":")[2]) for a in actors if a.startswith("organiser:")}
    if ids:
        for organiser_id, name in session.execute(
            select(Organiser.id, Organiser.name).where(Organiser.id.in_(ids))
        ).tuples():
            names[f"organiser:{organiser_id}"] = name
    return names


def _authors_line(authors: Any) -> str:
    if not isinstance(authors, list):
        return "–"
    return ", ".join(
        f"{author.get('full_name', '')} {checklist.percent(Decimal(author['contribution_pct']))}"
        for author in authors
        if isinstance(author, dict) and "contribution_pct" in author
    )


def change_lines(row: AuditLog) -> list[tuple[str, str, str]]:
    """What a row of the dossier's trail changed, as (what, before, after) lines: the authors
    and their shares of a correction, the decision of a recognition."""
    if row.action == "initiative.recognition":
        return recognition_lines(row)
    if row.action == "dossier.corrected":
        before = _authors_line((row.before or {}).get("authors"))
        after = _authors_line((row.after or {}).get("authors"))
        return [(str(_("Tác giả")), before, after)] if before != after else []
    return []
