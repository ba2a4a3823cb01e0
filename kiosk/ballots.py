"""The people's-choice vote (Giải Bình chọn của khán giả): ballots, votes, the window, the count.

A ballot is a single-use random token, printed on a badge or slip or issued at the kiosk; the
phone carries it in the URL (``/b/<token>``), never in a cookie, so clearing a browser or opening
another one gives no second vote. One vote per ballot is the database's rule (``vote.ballot_id``
is unique): a double tap or two phones racing with the same ballot both get the same answer,
"this ballot has voted", whoever loses.

The count is hidden from everyone, organisers included, until the organiser releases it
(``Event.votes_released_at``): people who see the standings while voting follow them. Before
that, only the register is shown: how many ballots were issued and how many have voted, never for
whom.

An informed vote (``Event.vote_requires_scan``): a ballot may vote for an exhibit only after its
phone opened that exhibit's booth QR code (a :class:`Scan`), and optionally some seconds later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from core import audit
from core.errors import Conflict, Invalid, NotFound
from core.i18n import sort_key
from core.models import Event, Organiser
from core.models.base import MAX_ID, short_token
from initiatives.models import Initiative
from kiosk.models import Ballot, BallotChannel, Exhibit, ExhibitStatus, Scan, Vote

# 31^12 (about 8 * 10^17) codes: guessing one of a few thousand ballots is hopeless.
TOKEN_LENGTH = 12
MOST_AT_ONCE = 5_000
# Review: this many votes from one address within ADDRESS_WINDOW, or for one exhibit within
# BURST_WINDOW, are worth a look.
ADDRESS_VOTES, ADDRESS_WINDOW = 3, timedelta(seconds=60)
BURST_VOTES, BURST_WINDOW = 10, timedelta(seconds=60)


class Window(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def window(event: Event, now: datetime) -> Window:
    """Open from ``vote_opens_at`` until ``vote_closes_at`` (none: until the organiser closes)."""
    if event.vote_opens_at is None or now < event.vote_opens_at:
        return Window.NOT_OPEN
    if event.vote_closes_at is not None and now >= event.vote_closes_at:
        return Window.CLOSED
    return Window.OPEN


def _on_show(event_id: int) -> Select[tuple[Exhibit]]:
    """The one place that says which exhibits are on show to the public, and so votable."""
    return (
        select(Exhibit)
        .where(Exhibit.event_id == event_id, Exhibit.status == ExhibitStatus.APPROVED)
        .options(joinedload(Exhibit.initiative).joinedload(Initiative.unit))
    )


def votable_exhibits(session: Session, event: Event) -> list[Exhibit]:
    """The exhibits a ballot may vote for, by booth then title."""
    exhibits = session.scalars(_on_show(event.id)).all()
    return sorted(exhibits, key=lambda e: (sort_key(e.booth), sort_key(e.initiative.title)))


def issue_ballots(
    session: Session, event: Event, count: int, channel: BallotChannel, who: Organiser | str
) -> list[Ballot]:
    """``count`` new ballots, audited as one batch."""
    if not 1 <= count <= MOST_AT_ONCE:
        raise Invalid(
            "ballot_count",
            _("Số phiếu phải từ 1 đến %(most)s.", most=f"{MOST_AT_ONCE:,}".replace(",", ".")),
        )
    ballots = [
        Ballot(event_id=event.id, token=short_token(TOKEN_LENGTH), channel=channel)
        for _ in range(count)
    ]
    session.add_all(ballots)
    session.flush()
    audit.record(
        session,
        who,
        "ballots.issue",
        f"event:{event.id}",
        event_id=event.id,
        after={"count": count, "channel": channel.value},
    )
    return ballots


def ballot_or_refusal(session: Session, token: str) -> Ballot:
    ballot = session.scalar(
        select(Ballot)
        .where(Ballot.token == token.strip().upper())
        .options(joinedload(Ballot.event))
    )
    if ballot is None:
        raise NotFound(
            "unknown_ballot",
            _(
                "Không tìm thấy phiếu bình chọn này. Hãy quét lại mã QR trên phiếu, hoặc hỏi Ban "
                "Tổ chức."
            ),
        )
    return ballot


def vote_of(session: Session, ballot: Ballot) -> Vote | None:
    return session.scalar(select(Vote).where(Vote.ballot_id == ballot.id))


def used() -> Conflict:
    return Conflict(
        "ballot_used",
        _("Phiếu bình chọn này đã được dùng. Mỗi phiếu chỉ bình chọn được một lần."),
    )


def check_window(event: Event, now: datetime) -> None:
    state = window(event, now)
    if state is Window.NOT_OPEN:
        raise Conflict("vote_not_open", _("Bình chọn chưa mở. Vui lòng quay lại sau."))
    if state is Window.CLOSED:
        raise Conflict("vote_closed", _("Bình chọn đã kết thúc. Cảm ơn bạn đã quan tâm."))


def votable(session: Session, event: Event, exhibit_id: int) -> Exhibit:
    exhibit = (
        session.scalar(_on_show(event.id).where(Exhibit.id == exhibit_id))
        if 1 <= exhibit_id <= MAX_ID
        else None
    )
    if exhibit is None:
        raise NotFound("unknown_exhibit", _("Không tìm thấy sản phẩm trưng bày này."))
    return exhibit


def scan_refusal(session: Session, ballot: Ballot, exhibit: Exhibit, now: datetime) -> str | None:
    """Why an informed vote may not go to ``exhibit`` yet; None when it may."""
    event = ballot.event
    if not event.vote_requires_scan:
        return None
    scanned = session.scalar(
        select(Scan.at).where(Scan.ballot_id == ballot.id, Scan.exhibit_id == exhibit.id)
    )
    if scanned is None:
        return str(
            _("Hãy đến gian trưng bày và quét mã QR của sản phẩm này trước khi bình chọn cho nó.")
        )
    wait = int((scanned + timedelta(seconds=event.vote_scan_min_seconds) - now).total_seconds())
    if wait > 0:
        return str(
            _("Hãy tìm hiểu sản phẩm thêm %(seconds)s giây rồi bình chọn.", seconds=wait + 1)
        )
    return None


def cast_vote(
    session: Session, ballot: Ballot, exhibit_id: int, *, address_hash: str, now: datetime
) -> Vote:
    """The ballot's one vote. A second one, even racing the first, is refused as "used"."""
    check_window(ballot.event, now)
    if vote_of(session, ballot) is not None:
        raise used()
    exhibit = votable(session, ballot.event, exhibit_id)
    if refusal := scan_refusal(session, ballot, exhibit, now):
        raise Conflict("scan_first", refusal)
    vote = Vote(ballot_id=ballot.id, exhibit_id=exhibit.id, address_hash=address_hash, cast_at=now)
    try:
        with session.begin_nested():
            session.add(vote)
    except IntegrityError:
        # Another request of the same ballot committed its vote since our check: it won.
        raise used() from None
    return vote


def record_scan(session: Session, ballot: Ballot, exhibit_token: str, now: datetime) -> Exhibit:
    """The ballot's phone opened ``exhibit_token``'s booth code; a second scan keeps the first
    time (the minimum wait runs from the first look)."""
    exhibit = session.scalar(
        _on_show(ballot.event_id).where(Exhibit.qr_token == exhibit_token.strip().upper())
    )
    if exhibit is None:
        raise NotFound("unknown_exhibit", _("Không tìm thấy sản phẩm trưng bày này."))
    seen = session.scalar(
        select(Scan).where(Scan.ballot_id == ballot.id, Scan.exhibit_id == exhibit.id)
    )
    if seen is None:
        try:
            with session.begin_nested():
                session.add(Scan(ballot_id=ballot.id, exhibit_id=exhibit.id, at=now))
        except IntegrityError:
            pass  # the same scan sent twice at once: one is enough
    return exhibit


def address_hash(secret: str, event: Event, address: str | None) -> str:
    """A salted hash of the phone's address, per event: bursts from one address show up in the
    review, and the address itself is never stored."""
    key = f"{secret}|vote-address|{event.id}".encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Register:
    """The live register: how many ballots exist and how many have voted, never for whom."""

    issued: int
    used: int
    voided: int


def register(session: Session, event: Event) -> Register:
    issued = session.scalar(select(func.count()).where(Ballot.event_id == event.id)) or 0
    rows = session.execute(
        select(Vote.voided_at.is_(None), func.count())
        .join(Ballot, Ballot.id == Vote.ballot_id)
        .where(Ballot.event_id == event.id)
        .group_by(Vote.voided_at.is_(None))
    ).tuples()
    counted = dict(rows.all())
    return Register(issued, counted.get(True, 0) + counted.get(False, 0), counted.get(False, 0))


@dataclass(frozen=True)
class Standing:
    exhibit: Exhibit
    votes: int
    rank: int


def tally(session: Session, event: Event) -> list[Standing] | None:
    """Votes per exhibit, most first (equal counts share a rank), voided votes left out; None
    until the organiser releases the count: no caller can leak what it never gets."""
    if event.votes_released_at is None:
        return None
    counted = dict(
        session.execute(
            select(Vote.exhibit_id, func.count())
            .where(Vote.voided_at.is_(None))
            .group_by(Vote.exhibit_id)
        )
        .tuples()
        .all()
    )
    exhibits = votable_exhibits(session, event)
    ordered = sorted(exhibits, key=lambda e: -counted.get(e.id, 0))
    standings: list[Standing] = []
    for position, exhibit in enumerate(ordered, start=1):
        votes = counted.get(exhibit.id, 0)
        tied = standings and standings[-1].votes == votes
        standings.append(Standing(exhibit, votes, standings[-1].rank if tied else position))
    return standings


def open_voting(session: Session, event: Event, who: Organiser, now: datetime) -> None:
    """Open the window now, until the organiser closes it (a closed window opens again)."""
    before = _window_state(event)
    event.vote_opens_at, event.vote_closes_at = now, None
    _audit_window(session, event, who, "votes.open", before)


def close_voting(session: Session, event: Event, who: Organiser, now: datetime) -> None:
    if window(event, now) is not Window.OPEN:
        raise Conflict("vote_not_open", _("Bình chọn đang không mở."))
    before = _window_state(event)
    event.vote_closes_at = now
    _audit_window(session, event, who, "votes.close", before)


def release_votes(session: Session, event: Event, who: Organiser, now: datetime) -> None:
    """Show the count: allowed once the window has closed, so no one votes knowing it."""
    if window(event, now) is Window.OPEN:
        raise Conflict("vote_open", _("Hãy đóng bình chọn trước khi công bố kết quả bình chọn."))
    if event.votes_released_at is None:
        event.votes_released_at = now
        _audit_window(session, event, who, "votes.release", {"released": None})


def settings_of_informed_vote(
    session: Session, event: Event, who: Organiser, *, required: bool, min_seconds: int
) -> None:
    if not 0 <= min_seconds <= 3600:
        raise Invalid("min_seconds", _("Thời gian tối thiểu phải từ 0 đến 3.600 giây."))
    before = {"required": event.vote_requires_scan, "min_seconds": event.vote_scan_min_seconds}
    event.vote_requires_scan, event.vote_scan_min_seconds = required, min_seconds
    audit.record(
        session,
        who,
        "votes.informed",
        f"event:{event.id}",
        event_id=event.id,
        before=before,
        after={"required": required, "min_seconds": min_seconds},
    )


def void_vote(
    session: Session, event: Event, vote_id: int, reason: str, who: Organiser, now: datetime
) -> Vote:
    """Take a vote out of the count, with a reason. Allowed until the count is released (after
    that, the published result would change under people's eyes); the ballot stays spent."""
    vote = session.scalar(
        select(Vote)
        .join(Ballot, Ballot.id == Vote.ballot_id)
        .where(Vote.id == vote_id, Ballot.event_id == event.id)
    )
    if vote is None:
        raise NotFound("unknown_vote", _("Không tìm thấy lượt bình chọn này."))
    if event.votes_released_at is not None:
        raise Conflict("released", _("Kết quả bình chọn đã công bố: không thể hủy phiếu nữa."))
    if vote.voided_at is not None:
        raise Conflict("voided", _("Lượt bình chọn này đã bị hủy."))
    if not reason.strip():
        raise Invalid("reason", _("Hãy ghi lý do hủy lượt bình chọn."))
    vote.voided_at, vote.void_reason = now, reason.strip()[:500]
    audit.record(
        session,
        who,
        "vote.void",
        f"vote:{vote.id}",
        event_id=event.id,
        before={"voided": False},
        after={"voided": True},
        reason=vote.void_reason,
    )
    return vote


def _window_state(event: Event) -> dict[str, str | None]:
    return {
        "opens_at": event.vote_opens_at.isoformat() if event.vote_opens_at else None,
        "closes_at": event.vote_closes_at.isoformat() if event.vote_closes_at else None,
    }


def _audit_window(
    session: Session, event: Event, who: Organiser, action: str, before: dict[str, str | None]
) -> None:
    after = _window_state(event) | {
        "released": event.votes_released_at.isoformat() if event.votes_released_at else None
    }
    audit.record(
        session, who, action, f"event:{event.id}", event_id=event.id, before=before, after=after
    )


@dataclass(frozen=True)
class Flag:
    """A pattern worth a look on the review page: the votes in it, and what it is."""

    kind: str  # "address" or "burst"
    votes: list[Vote]
    exhibit: Exhibit | None


def suspicious(session: Session, event: Event) -> list[Flag]:
    """Runs of votes close in time from one address (one phone or one script voting many
    ballots) and bursts for one exhibit (a crowd brought in, or ballots handed round).

    Flags, not verdicts: a unit's staff behind one venue Wi-Fi address look alike, which is why
    the organiser decides and voids with a reason.
    """
    votes = session.scalars(
        select(Vote)
        .join(Ballot, Ballot.id == Vote.ballot_id)
        .where(Ballot.event_id == event.id, Vote.voided_at.is_(None))
        .order_by(Vote.cast_at)
    ).all()
    exhibits = {e.id: e for e in votable_exhibits(session, event)}
    by_address: dict[str, list[Vote]] = defaultdict(list)
    by_exhibit: dict[int, list[Vote]] = defaultdict(list)
    for vote in votes:
        if vote.address_hash:
            by_address[vote.address_hash].append(vote)
        by_exhibit[vote.exhibit_id].append(vote)
    flags = [
        Flag("address", run, None)
        for group in by_address.values()
        for run in runs(group, ADDRESS_VOTES, ADDRESS_WINDOW)
    ]
    flags += [
        Flag("burst", run, exhibits.get(exhibit_id))
        for exhibit_id, group in by_exhibit.items()
        for run in runs(group, BURST_VOTES, BURST_WINDOW)
    ]
    return sorted(flags, key=lambda flag: flag.votes[0].cast_at)


def runs(votes: Sequence[Vote], least: int, within: timedelta) -> list[list[Vote]]:
    """The maximal runs of at least ``least`` votes (in time order) whose neighbours are no more
    than ``within`` apart."""
    found: list[list[Vote]] = []
    current: list[Vote] = []
    for vote in votes:
        if current and vote.cast_at - current[-1].cast_at > within:
            if len(current) >= least:
                found.append(current)
            current = []
        current.append(vote)
    if len(current) >= least:
        found.append(current)
    return found
