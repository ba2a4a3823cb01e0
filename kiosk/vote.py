"""The voter's phone: a ballot's link lists the exhibits, a confirm screen, the vote.

The ballot's token is the voter's only credential and lives in the URL (printed QR codes open
``/B/<TOKEN>``, upper-case for a smaller code). The forms post no CSRF token: a forged request
would need the ballot's token, which is the secret itself, and a phone that waited an hour on the
confirm screen must still be able to vote. Guessing tokens is slowed per address.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from core import db, realtime
from core.auth import csrf, limiter, public
from core.errors import DomainError, status_of
from core.i18n import fold
from core.models import Event, utcnow
from core.views import by_address
from kiosk import ballots
from kiosk.models import Ballot, Exhibit

bp = Blueprint("vote", __name__, template_folder="templates")
# The ballot's list of exhibits, kept by core.realtime as a feed is, never sent.
CHOICES = "ballot_choices"
csrf.exempt(bp)

# Wrong tokens only: a room of phones behind the venue's one address votes freely.
GUESSES = limiter.shared_limit(
    "60 per minute",
    scope="ballot-guess",
    key_func=by_address,
    deduct_when=lambda response: response.status_code == 404,
)


@dataclass(frozen=True)
class Choice:
    """An exhibit as the ballot's list shows it; ``folded`` is what the search matches."""

    id: int
    booth: str
    title: str
    unit: str
    folded: str


def _choice(exhibit: Exhibit) -> Choice:
    initiative = exhibit.initiative
    unit = initiative.unit.name if initiative.unit else ""
    folded = fold(f"{exhibit.booth} {initiative.title} {unit}")
    return Choice(exhibit.id, exhibit.booth, initiative.title, unit, folded)


def _choices(session: Session, event: Event, _version: int) -> realtime.Snapshot:
    return {"choices": [_choice(e) for e in ballots.votable_exhibits(session, event)]}


def choices(session: Session, event: Event) -> list[Choice]:
    """The ballot's list of exhibits, kept until a change writes what it is made of (an
    approval, a title, a unit's name), not rebuilt at each vote: every phone of the room opens
    the same list."""
    found: list[Choice] = realtime.publisher().kept(CHOICES, _choices, session, event)["choices"]
    return found


def _page(ballot: Ballot, *, refusal: DomainError | None = None) -> ResponseReturnValue:
    """The ballot's page: its state (voted, window not open or closed) or the exhibits."""
    session = db.session()
    query = request.args.get("q", "").strip()
    exhibits = choices(session, ballot.event)
    shown = [choice for choice in exhibits if fold(query) in choice.folded] if query else exhibits
    html = render_template(
        "kiosk/ballot.html",
        ballot=ballot,
        event=ballot.event,
        vote=ballots.vote_of(session, ballot),
        window=ballots.window(ballot.event, utcnow()).value,
        exhibits=shown,
        query=query,
        refusal=refusal,
    )
    return html, status_of(refusal) if refusal else 200


@bp.route("/B/<token>", endpoint="printed")
@bp.route("/b/<token>")
@public
@GUESSES
def ballot(token: str) -> ResponseReturnValue:
    """The ballot's QR code opens this on the voter's phone."""
    return _page(ballots.ballot_or_refusal(db.session(), token))


@bp.route("/b/<token>/exhibits/<int:exhibit_id>", methods=["GET", "POST"])
@public
@GUESSES
def confirm(token: str, exhibit_id: int) -> ResponseReturnValue:
    """GET: "vote for this one?"; POST: the vote. Refusals come back on the ballot's page."""
    found = ballots.ballot_or_refusal(db.session(), token)
    if request.method == "GET":
        return _confirm_page(found, exhibit_id)
    address = ballots.address_hash(
        current_app.config["SECRET_KEY"], found.event, request.remote_addr
    )
    try:
        ballots.cast_vote(db.write(), found, exhibit_id, address_hash=address, now=utcnow())
    except DomainError as refusal:
        db.rollback()
        return _page(ballots.ballot_or_refusal(db.session(), token), refusal=refusal)
    return redirect(url_for("vote.ballot", token=found.token, voted=1))


def _confirm_page(found: Ballot, exhibit_id: int) -> ResponseReturnValue:
    session = db.session()
    try:
        if ballots.vote_of(session, found) is not None:
            raise ballots.used()
        ballots.check_window(found.event, utcnow())
        exhibit = ballots.votable(session, found.event, exhibit_id)
    except DomainError as refusal:
        return _page(found, refusal=refusal)
    waiting = ballots.scan_refusal(session, found, exhibit, utcnow())
    return render_template(
        "kiosk/ballot_confirm.html", ballot=found, exhibit=exhibit, waiting=waiting
    )


@bp.route("/b/<token>/scans/<exhibit_token>", methods=["POST"])
@public
@GUESSES
def booth_scan(token: str, exhibit_token: str) -> Response:
    """The booth's page, opened from its QR code on a phone holding this ballot, records that
    the phone was there (an informed vote), then offers the vote for it."""
    found = ballots.ballot_or_refusal(db.session(), token)
    exhibit = ballots.record_scan(db.write(), found, exhibit_token, utcnow())
    return redirect(url_for("vote.confirm", token=found.token, exhibit_id=exhibit.id))
