"""The judges' tablet pages: the magic link, the list of pitches, one score sheet per screen."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import db
from core.auth import public
from core.models import Round
from initiatives.models import Initiative
from scoring import offline
from scoring.auth import judge_by_token, judge_required, sign_in_judge, sign_out_judge
from scoring.models import Entry, EntryStatus, Judge, Recusal, ScoreSheet, SheetStatus
from scoring.rubric import criteria
from scoring.service import round_locked, sheet_state

bp = Blueprint("scoring", __name__, template_folder="templates")


@bp.route("/j/<token>")
@public
def magic_link(token: str) -> ResponseReturnValue:
    """The judge's QR card opens this; it signs the tablet in and drops the token from the URL."""
    judge = judge_by_token(token)
    if judge is None:
        message = _("Đường dẫn đăng nhập không đúng hoặc đã bị thu hồi. Hãy liên hệ Ban Tổ chức.")
        return render_template("core/error.html", status=404, message=message), 404
    sign_in_judge(judge)
    return redirect(url_for("scoring.pitches"))


@bp.route("/judge/sw.js")
@public
def service_worker() -> ResponseReturnValue:
    """The tablet's service worker: it keeps the judge's pages for when the Wi-Fi drops."""
    return offline.worker()


@bp.route("/judge/logout", methods=["POST"])
@judge_required
def logout(_judge: Judge) -> ResponseReturnValue:
    """Signs this tablet out (a shared tablet, the end of the day); the card signs it in again."""
    sign_out_judge()
    flash(_("Đã đăng xuất. Quét mã QR trên thẻ giám khảo để đăng nhập lại."), "info")
    return redirect(url_for("core.home"))


def pitches_of(judge: Judge) -> list[Entry]:
    """The entries of the judge's event still in the contest, in running order."""
    return list(
        db.session().scalars(
            select(Entry)
            .join(Entry.round)
            .where(Round.event_id == judge.event_id, Entry.status != EntryStatus.WITHDRAWN)
            .options(joinedload(Entry.initiative).joinedload(Initiative.unit))
            .order_by(Round.position, Entry.running_order)
        )
    )


def recusals_of(judge: Judge) -> dict[int, Recusal]:
    rows = db.session().scalars(select(Recusal).where(Recusal.judge_id == judge.id))
    return {recusal.entry_id: recusal for recusal in rows}


@bp.route("/judge")
@judge_required
def pitches(judge: Judge) -> ResponseReturnValue:
    """Every pitch of the event with this judge's progress on it."""
    sheets = {
        sheet.entry_id: sheet
        for sheet in db.session().scalars(select(ScoreSheet).where(ScoreSheet.judge_id == judge.id))
    }
    recused = recusals_of(judge)
    entries = pitches_of(judge)
    to_score = [entry for entry in entries if entry.id not in recused]
    done = sum(
        1
        for entry in to_score
        if entry.id in sheets and sheets[entry.id].status != SheetStatus.DRAFT
    )
    return render_template(
        "scoring/pitches.html",
        judge=judge,
        entries=entries,
        sheets=sheets,
        recused=recused,
        done=done,
        total=len(to_score),
    )


@bp.route("/judge/entries/<int:entry_id>")
@judge_required
def sheet(judge: Judge, entry_id: int) -> ResponseReturnValue:
    """One score sheet per screen: a band, then a whole or half point, per criterion."""
    session = db.session()
    entries = pitches_of(judge)
    entry = next((e for e in entries if e.id == entry_id), None)
    if entry is None:
        message = _("Không tìm thấy bài dự thi này.")
        return render_template("core/error.html", status=404, message=message), 404
    existing = session.scalar(
        select(ScoreSheet).where(ScoreSheet.judge_id == judge.id, ScoreSheet.entry_id == entry.id)
    )
    position = entries.index(entry)
    return render_template(
        "scoring/sheet.html",
        judge=judge,
        entry=entry,
        recusal=recusals_of(judge).get(entry.id),
        criteria=criteria(session, judge.event_id),
        sheet_id=existing.id if existing else str(uuid.uuid4()),
        # When: a page kept on the tablet may be older than the outbox's latest answer.
        state={**sheet_state(existing), "updated_at": existing.updated_at.isoformat()}
        if existing
        else None,
        locked=round_locked(entry),
        position=position + 1,
        count=len(entries),
        next_entry=entries[position + 1] if position + 1 < len(entries) else None,
    )
