"""The judges' tablets without network: the service worker (static/js/sw.js), as served.

The worker keeps the judge's pages and the files they load, so a judge who opened them once keeps
scoring through a Wi-Fi outage, a reload or a browser restart; the outbox (static/js/lib/outbox.js)
sends the sheets when the network returns. The script is sent with a first line naming its
version and the shell it keeps: every file the judge's pages load, at its fingerprinted URL
(core.assets). An upgrade that changes any of them, the worker itself, the judge's templates or
the release number changes the script's bytes, which is how a browser learns that a new worker
is there (see docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from flask import Response, current_app, url_for
from flask_babel import gettext as _
from markupsafe import escape

from core.assets import import_map, static_url

WORKER = "js/sw.js"
# The query parameter of the address a judge is sent to once signed in: the pages the worker kept
# may be another judge's, so it forgets them and shows none of them for it. The server answers it
# with the list of pitches' own address, so the mark never stays in the address bar.
SIGNED_IN = "signed_in"
# What the judge's pages load besides the shared modules of the import map.
PAGE_FILES = ("css/app.css", "js/pages/pitches.js", "js/pages/sheet.js")
# The templates the judge's pages are made of: a change in one changes the worker's version, so
# that the pages it keeps are fetched again.
PAGE_TEMPLATES = (
    "base.html",
    "core/_languages.html",
    "scoring/pitches.html",
    "scoring/sheet.html",
    "scoring/_outbox.html",
)


def shell() -> list[str]:
    """The fingerprinted URLs of every file the judge's pages load."""
    modules = [url for name, url in import_map()["imports"].items() if name.startswith("#lib/")]
    return [static_url(name) for name in PAGE_FILES] + sorted(modules)


def version(source: str, files: list[str]) -> str:
    """A digest of everything that makes a tablet's copy of the judge's pages: the worker, the
    files, the templates and the release."""
    digest = hashlib.sha256(source.encode())
    digest.update("\n".join(files).encode())
    environment = current_app.jinja_env
    loader = environment.loader
    assert loader is not None
    for name in PAGE_TEMPLATES:
        digest.update(loader.get_source(environment, name)[0].encode())
    digest.update(metadata.version("sangtao").encode())
    return digest.hexdigest()[:16]


def first_page() -> str:
    """Where a judge goes once signed in: the list of pitches, marked for the worker."""
    return f"{url_for('scoring.pitches')}?{SIGNED_IN}=1"


def worker() -> Response:
    """The worker script, never cached by the browser (an update check must reach the server),
    allowed to take ``/judge`` itself as well as what is under it."""
    folder = current_app.static_folder
    assert folder is not None
    source = (Path(folder) / WORKER).read_text(encoding="utf-8")
    files = shell()
    scope = url_for("scoring.pitches")
    build = {
        "version": version(source, files),
        "scope": scope,
        "static": url_for("static", filename=""),
        "shell": files,
        "signedIn": SIGNED_IN,
        # Shown for a page the tablet never kept, with no network to fetch it.
        "offline": str(
            escape(
                _(
                    "Mất kết nối, và máy tính bảng chưa lưu trang này. "
                    "Hãy quay lại danh sách bài, hoặc mở lại trang khi có mạng."
                )
            )
        ),
        # Shown for a signing out that did not reach the server.
        "signOutOffline": str(
            escape(
                _(
                    "Mất kết nối nên chưa đăng xuất được: máy tính bảng vẫn đăng nhập và giữ "
                    "các phiếu chấm. Hãy đăng xuất lại khi có mạng."
                )
            )
        ),
        "back": str(escape(_("Về danh sách bài"))),
    }
    script = f"self.sangtaoBuild = {json.dumps(build)};\n{source}"
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = scope
    response.cache_control.no_cache = True
    response.cache_control.no_store = True
    return response
