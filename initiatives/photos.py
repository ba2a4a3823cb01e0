"""Photos a worker sends with an initiative (from the kiosk, or with a dossier): checked, turned
upright, made small enough.

A tablet's camera gives 4000-pixel pictures of several megabytes, often lying on their side with
an EXIF tag that says so; a visitor's phone on crowded Wi-Fi wants a few dozen kilobytes. Each
photo is read by Pillow (not trusted by its name or its declared type), turned by its EXIF tag,
and saved as two JPEGs: one at most ``LARGE`` pixels on its longer side, and a thumbnail of
``SMALL`` pixels that the visitor's page loads first. The EXIF data itself (the camera, often a
GPS position) is not kept.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, ImageOps

from core.auth import off_the_loop
from core.errors import Invalid

MOST_PHOTOS = 4
MOST_BYTES = 8 * 1024 * 1024
FORMATS = {"JPEG", "PNG", "WEBP"}
LARGE = 1600
SMALL = 480
# A picture of more pixels than this is refused before it is decoded (a "decompression bomb").
MOST_PIXELS = 50_000_000


@dataclass(frozen=True)
class Photo:
    """A photo ready to store: the large JPEG and its thumbnail."""

    large: bytes
    small: bytes


def _jpeg(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


class Unfit(ValueError):
    """A file that is no photo we take: ``too_large`` or ``unreadable``."""


def _refusal(name: str, problem: Unfit) -> Invalid:
    """The refusal of the file ``name``, in the user's language."""
    if str(problem) == "too_large":
        return Invalid("photo_too_large", _("Ảnh “%(name)s” lớn hơn 8 MB.", name=name))
    return Invalid(
        "photo_unreadable",
        _("Tệp “%(name)s” không phải ảnh JPEG, PNG hoặc WebP đọc được.", name=name),
    )


def read_photo(name: str, data: bytes) -> Photo:
    """The sent file ``name``, checked and made into its two JPEGs off the event loop; refused in
    the user's language, by its name, when it is no photo we take."""
    try:
        return off_the_loop(prepare_photo, data)
    except Unfit as problem:
        raise _refusal(name, problem) from None


def prepare_photo(data: bytes) -> Photo:
    """Check one sent file and make its two JPEGs. Runs on a worker thread, away from the
    request (``core.auth.off_the_loop``): it raises :class:`Unfit`, worded by :func:`read_photo`."""
    if len(data) > MOST_BYTES:
        raise Unfit("too_large")
    refused = Unfit("unreadable")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS or probe.width * probe.height > MOST_PIXELS:
                    raise refused
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        raise refused from None
    return Photo(_jpeg(upright, LARGE), _jpeg(upright, SMALL))


def small_path(path: str) -> str:
    """The thumbnail's file beside the large one: ``kiosk/ab12.jpg`` -> ``kiosk/ab12-small.jpg``."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}-small{dot}{suffix}" if dot else f"{path}-small"


def new_photo_path(folder: str) -> str:
    """Where a new photo goes, in ``folder`` of the attachments folder (``kiosk``, ``dossiers``)."""
    return f"{folder}/{uuid.uuid4().hex}.jpg"


def write_photo(folder: Path, path: str, photo: Photo) -> None:
    """Write both files of a photo under ``folder`` (the attachments folder)."""
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(photo.large)
    (folder / small_path(path)).write_bytes(photo.small)
