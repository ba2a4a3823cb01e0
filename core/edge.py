"""The edge of the app: what arrives from the venue network is checked here, once, for every route.

- Text that no column can store is refused before any view runs: NUL (PostgreSQL refuses it in
  text) and lone surrogates (JSON can escape them, UTF-8 cannot encode them), wherever they come:
  the path, the query string, form fields, JSON strings and keys. Under /api/ that is
  ``422 invalid_text``; elsewhere a path holding one is a 404 page, a field a 422 page. Refused,
  never stripped: a value that is accepted is stored as sent.
- JSON is read strictly: nesting deeper than :data:`MAX_DEPTH` is not JSON that any view takes,
  and no longer a ``RecursionError``.
- Under /api/ every answer is JSON, even those that Flask and Werkzeug make by themselves: the
  automatic ``OPTIONS`` answer (empty) and the routing redirects (HTML), such as a doubled slash.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

from flask import Flask, Response, abort, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

from core.errors import Invalid, wants_json

MAX_DEPTH = 32
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """Can a text column hold this, on SQLite and PostgreSQL alike, and UTF-8 encode it?"""
    return UNSTORABLE.search(text) is None


def unstorable_text() -> Invalid:
    return Invalid("invalid_text", _("Dữ liệu gửi lên chứa ký tự không được phép."))


def check_json(value: Any) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH (ValueError: not JSON a view takes) or holding a
    string that cannot be stored. Walked with a stack, not recursion, whatever the depth."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if not storable(item):
                raise unstorable_text()
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            pending.extend((key, depth) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        else:
            pending.extend((child, depth + 1) for child in item)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with answers in readable Vietnamese and bodies read strictly."""

    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        check_json(value)
        return value


def refuse_unstorable_text() -> None:
    """Before any view: the path, the query string and the form hold only storable text.
    JSON bodies are checked as they are read (:class:`JSONProvider`)."""
    if not storable(request.path):
        if wants_json():
            raise unstorable_text()
        abort(404)
    uploads = request.files.items(multi=True)
    texts = chain(
        chain.from_iterable(request.args.items(multi=True)),
        chain.from_iterable(request.form.items(multi=True)),
        chain.from_iterable((field, upload.filename or "") for field, upload in uploads),
    )
    if not all(storable(text) for text in texts):
        raise unstorable_text()


def answer_json_under_api(response: Response) -> Response:
    """Flask's automatic OPTIONS answer and Werkzeug's routing redirects, in JSON under /api/."""
    if not wants_json() or response.is_json:
        return response
    if request.method == "OPTIONS":
        body: dict[str, Any] = {"allow": sorted(response.allow)}
    elif response.location is not None:
        body = {"location": response.location}
    else:
        return response
    response.set_data(current_app.json.dumps(body))
    response.mimetype = "application/json"
    return response


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)
    app.after_request(answer_json_under_api)
