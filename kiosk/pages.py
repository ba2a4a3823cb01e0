"""The visitor's page kept drawn, per address, language and the event's live version.

Every visitor of an exhibit gets the same page: only the device's cookie and the visit count
differ, and those are done per request beside it. So the page is drawn once and kept, with the
event's live version it was drawn at (read with the exhibit, in the same transaction), and served
again while that version is still the event's current one as ``core.live.Versions`` knows it,
with no database read and no template. Whatever the page shows moves that version: the exhibit
(its approval or withdrawal too), its initiative, authors, photos and unit (watched in
``kiosk/models.py``), the event's row itself (its name, the vote window). A commit of this process
moves it before its request is answered; one of another process (a job, the command line) is seen
within ``core.live.BELIEVED_FOR`` seconds. The language is part of the key.

Only a page that carries nothing of its visitor is kept: no query string (the language switch
links back to the address), no message flashed to the visitor's session, the token as printed
(upper case), so that spelling one token many ways cannot push the others out.

A kept page has one script nonce, the one it was first drawn with, which every answer from it
names in its ``Content-Security-Policy`` and which it keeps when drawn again at a newer version: a
phone that revalidates its copy (``If-None-Match``, 304) keeps a body and a header that agree, and
a page drawn again after a change it does not show is the same bytes, with the same ETag. The
kept page reflects nothing of any request, so sharing its nonce between visitors lets no script
in that the policy would have stopped.

At most ``MOST_PAGES`` pages are kept, the least recently served dropped first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Flask, current_app

EXTENSION = "sangtao.kiosk.pages"
# Two addresses (/E/ of the QR code, /e/ of links) in two languages for 500 exhibits; a page is
# 10-20 KB, so at most about 40 MB.
MOST_PAGES = 2_000

Key = tuple[str, str]  # (path, language)


@dataclass(frozen=True)
class Page:
    """An exhibit's page as drawn at the event's ``version``."""

    exhibit_id: int
    event_id: int
    version: int
    body: bytes
    nonce: str
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", hashlib.blake2b(self.body, digest_size=12).hexdigest())


@dataclass
class Pages:
    """The kept pages, least recently served first."""

    most: int = MOST_PAGES
    _pages: OrderedDict[Key, Page] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: Key) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def keep(self, key: Key, page: Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.most:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)

    def forget(self) -> None:
        """Drop every page: the database under the app was replaced (a test's fresh one)."""
        with self._lock:
            self._pages.clear()


def pages() -> Pages:
    found: Pages = current_app.extensions[EXTENSION]
    return found


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Pages()
