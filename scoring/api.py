"""The scoring API (``/api/v1``): what the judges' tablets and the screens talk to.

Judges authenticate with ``Authorization: Bearer <token>`` (the token of their magic link), or with
the session their link opened plus the ``X-CSRFToken`` header. Every refusal is JSON
``{"error": code, "message": text}``; see docs/api.md.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from core import db, realtime
from core.auth import csrf, public
from core.lookup import event_or_404
from core.models import Event
from scoring import results
from scoring.auth import chair_or_manager, judge_api
from scoring.models import Judge
from scoring.service import Outcome, SavedSheet, parse_sheet, save_sheet
from scoring.standings import FEED, Compared, Comparison, compare

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def sheet_json(sheet: SavedSheet) -> dict[str, Any]:
    return {
        "id": sheet.id,
        "entry": sheet.entry_id,
        **sheet.state,
        "total": None if sheet.total is None else round(sheet.total, 2),
        "updated_at": sheet.updated_at.isoformat(),
        "outcome": sheet.outcome.value,
    }


@bp.post("/scoresheets")
@judge_api
def post_sheet(judge: Judge) -> ResponseReturnValue:
    """A judge's tablet saves or submits a sheet; idempotent on the sheet's id."""
    data = parse_sheet(request.get_json(silent=True))
    saved = save_sheet(db.write(), judge, data)
    # The answer is read inside the transaction, so that nothing reopens one after the commit.
    return jsonify(sheet_json(saved)), (201 if saved.outcome == Outcome.CREATED else 200)


@bp.get("/judge/csrf")
@judge_api
def judge_csrf(_judge: Judge) -> ResponseReturnValue:
    """A fresh CSRF token for the tablet's session: a page kept offline may carry an old one."""
    return jsonify({"csrf": generate_csrf()})


@bp.get("/events/<slug>/standings")
@public
def standings(slug: str) -> ResponseReturnValue:
    """The same snapshot the big screens receive."""
    return jsonify(realtime.snapshot(FEED, db.session(), event_or_404(slug)))


def _compared_json(row: Compared, method: str) -> dict[str, Any]:
    raw = row.raw
    by_method = {
        name: {
            "score": standing.score,
            "rank": standing.rank,
            "flags": list(standing.flags),
            "prize": row.prizes[name],
        }
        for name, standing in row.standings.items()
    }
    return {
        "entry_id": row.entry_id,
        "title": row.title,
        "unit": row.unit,
        "n": raw.sheets,
        "low": raw.low,
        "high": raw.high,
        "sd": raw.sd,
        **by_method[method],
        "methods": by_method,
    }


def results_json(event: Event, comparison: Comparison) -> dict[str, Any]:
    """Every entry under every method, unrounded, in the order of the method in force."""
    return {
        "event": event.slug,
        "method": comparison.method,
        "provisional": comparison.provisional,
        "methods": list(results.METHODS),
        "min_prize_score": float(event.min_prize_score),
        "slots": [{"prize": prize, "count": count} for prize, count in results.DEFAULT_SLOTS],
        "tie_break": list(event.tie_break),
        "entries": [_compared_json(row, comparison.method) for row in comparison.entries],
    }


@bp.get("/events/<slug>/results")
@chair_or_manager
def event_results(event: Event) -> ResponseReturnValue:
    """Raw beside adjusted: every entry's score, rank, flags and prize under every method, for
    the chair and the managers to compare before the method is chosen."""
    return jsonify(results_json(event, compare(db.session(), event)))
