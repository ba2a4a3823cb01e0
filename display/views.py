"""The big-screen pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core import db, realtime
from core.auth import public
from core.headers import framed_by_this_site
from core.links import external_url
from core.lookup import event_or_404
from core.models import Event, utcnow
from display.ceremony import reveal_labels
from display.events import feeds
from display.feeds import at_the_freeze
from display.models import Screen

bp = Blueprint("display", __name__, template_folder="templates")


def texts() -> dict[str, str]:
    """Every word a screen's renderers may draw, in the page's language."""
    return {
        "provisional": _("Dự kiến"),
        "final": _("Chính thức"),
        "rank": _("Hạng"),
        "initiative": _("Sáng kiến"),
        "score": _("Điểm"),
        "sheets": _("Phiếu"),
        "standings": _("Bảng xếp hạng"),
        "page": _("Trang"),
        "pitching": _("Đang thuyết trình"),
        "nobody_pitching": _("Chưa có phần thuyết trình nào đang diễn ra."),
        "no_entries": _("Chưa có bài dự thi nào."),
        "none_complete": _("Chưa có bài dự thi nào đủ phiếu chấm."),
        "judges_done": _("Giám khảo đã chấm"),
        "progress_hidden": _("Tiến độ chấm được giữ kín trong khi kết quả đang đóng băng."),
        "time_up": _("Hết giờ"),
        "one_minute": _("Còn 1 phút"),
        "peoples_choice": _("Bình chọn của khán giả"),
        "not_released": _("Kết quả bình chọn sẽ được công bố sau."),
        "no_votes": _("Chưa có phiếu bình chọn nào."),
        "votes": _("phiếu bầu"),
        "exhibits": _("Trưng bày sáng kiến"),
        "no_exhibits": _("Chưa có gian trưng bày nào."),
        "booth": _("Gian"),
        "scan": _("Quét mã để xem chi tiết"),
        "agenda": _("Chương trình"),
        "follow": _("Theo dõi trên điện thoại"),
        "unknown_screen": _("Màn hình này không còn trong danh sách của Ban Tổ chức."),
        "offline": _("Mất kết nối"),
    }


def screen_config(event: Event, key: str, *, preview: bool) -> dict[str, Any]:
    """What a screen's page starts from: every feed's current snapshot, so it draws at once."""
    session = db.session()
    return {
        "event": event.slug,
        "name": event.name,
        "screen": key,
        "preview": preview,
        "now": utcnow().isoformat(),
        "snapshots": at_the_freeze(
            {feed: realtime.snapshot(feed, session, event) for feed in feeds()}
        ),
        "live_url": external_url("live.page", slug=event.slug),
        "live_qr": url_for("live.qr_code", slug=event.slug),
        "texts": texts(),
        "reveal": reveal_labels(),
        # The clock shows the venue's time, whatever zone the screen's computer is set to.
        "timezone": current_app.config["BABEL_DEFAULT_TIMEZONE"],
    }


@bp.route("/display/<slug>")
@public
def screen(slug: str) -> ResponseReturnValue:
    """A big screen that no organiser drives: the standings, kept live."""
    event = event_or_404(slug)
    return render_template(
        "display/screen.html", event=event, config=screen_config(event, "", preview=False)
    )


@bp.route("/display/<slug>/<key>")
@public
def named_screen(slug: str, key: str) -> ResponseReturnValue:
    """A named screen, opened once and then driven from the control page; ``?preview=1`` is
    the control page's miniature of it, which is not counted as the screen being on."""
    event = event_or_404(slug)
    found = db.session().scalar(
        select(Screen.id).where(Screen.event_id == event.id, Screen.key == key[:64])
    )
    if found is None:
        abort(404)
    preview = request.args.get("preview") == "1"
    page = Response(
        render_template(
            "display/screen.html", event=event, config=screen_config(event, key, preview=preview)
        )
    )
    return framed_by_this_site(page) if preview else page
