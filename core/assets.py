"""Fingerprinted static URLs and the import map of the browser's ES modules.

A static URL carries the first 12 hex digits of the SHA-256 of the file (``?v=...``): an upgrade
changes the URL of every file it changes, so a cached page, or a service worker, never runs old code
with new. A request whose ``v`` matches the file as it is now may be cached for a year; any other
keeps Flask's conditional caching.

Modules import each other by specifier (``#lib/outbox.js``, ``socket.io-client``), never by a
relative path: the import map in ``base.html`` turns each specifier into one fingerprinted URL, so
every importer gets the same module, and a changed module reaches every page that uses it. In
node's test runner the same ``#lib/...`` specifiers resolve through package.json's ``imports``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for
from werkzeug.security import safe_join

EXTENSION = "sangtao.assets"
ONE_YEAR = 365 * 24 * 3600
LIBRARY = "js/lib"  # every module in here is in the import map as #lib/<name>
# Copied from npm by `make vendor`. Chart.js's ES module imports its colour library by name, and a
# chunk of its own by a relative path: the map gives both their fingerprinted URLs (a key that
# starts with "/" is a URL the browser would load, mapped to the same file at its version).
VENDOR = {
    "socket.io-client": "vendor/socket.io.esm.min.js",
    "sortablejs": "vendor/sortable.esm.js",
    "chart.js": "vendor/chart.js/chart.js",
    "@kurkle/color": "vendor/kurkle-color/color.esm.js",
    "canvas-confetti": "vendor/confetti.module.js",
}
VENDOR_CHUNKS = ("vendor/chart.js/chunks/helpers.dataset.js",)


@dataclass
class Fingerprints:
    """The fingerprint of each static file, computed again only when its mtime or size change."""

    known: dict[str, tuple[tuple[int, int], str]] = field(default_factory=dict)

    def of(self, path: str) -> str | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        seen = (stat.st_mtime_ns, stat.st_size)
        cached = self.known.get(path)
        if cached is not None and cached[0] == seen:
            return cached[1]
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        self.known[path] = (seen, digest)
        return digest


def fingerprint(filename: str) -> str | None:
    """The version of a file of the static folder, or None if there is no such file."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    fingerprints: Fingerprints = current_app.extensions[EXTENSION]
    return fingerprints.of(path)


def static_url(filename: str) -> str:
    """The URL of a static file with its version; a missing file gets a plain URL."""
    version = fingerprint(filename)
    if version is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def import_map() -> dict[str, dict[str, str]]:
    """Every shared module and front-end library, by specifier, at its fingerprinted URL."""
    imports = {specifier: static_url(filename) for specifier, filename in VENDOR.items()}
    for chunk in VENDOR_CHUNKS:
        imports[url_for("static", filename=chunk)] = static_url(chunk)
    folder = current_app.static_folder
    if folder:
        for module in sorted((Path(folder) / LIBRARY).glob("*.js")):
            imports[f"#lib/{module.name}"] = static_url(f"{LIBRARY}/{module.name}")
    return {"imports": imports}


def cache_versioned_file(response: Response) -> Response:
    """A static file asked for at its current version never changes: let caches keep it."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename")
    if version and filename and version == fingerprint(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Fingerprints()
    app.jinja_env.globals.update(static_url=static_url, import_map=import_map)
    app.after_request(cache_versioned_file)
