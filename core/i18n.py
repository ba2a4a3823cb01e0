"""Vietnamese first, English second.

Message ids in the code and templates are the Vietnamese text itself, so the default language
needs no catalogue; ``core/translations/en`` holds the English. The chosen language is kept in the
session, and every page has the switch (``/lang/<code>``, in ``core/views.py``).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal
from flask import Flask, current_app, session
from flask_babel import Babel, format_datetime, get_locale, gettext
from flask_babel import format_date as babel_format_date

babel = Babel()


def select_locale() -> str:
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    return chosen if chosen in languages else languages[0]


def locale_code() -> str:
    return str(get_locale() or current_app.config["LANGUAGES"][0])


def nfc(text: str) -> str:
    """Vietnamese input methods may send decomposed letters; store and compare composed ones."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Text as a search compares it: no diacritics, đ as d, case aside, so that "tiet kiem dien"
    finds "Tiết kiệm điện" (and typing the accents still works)."""
    bare = "".join(
        char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)
    )
    return bare.replace("đ", "d").replace("Đ", "D").casefold()


# The Vietnamese alphabet, with the Latin letters it borrows where CLDR puts them: ă, â, đ, ê, ô,
# ơ and ư are letters of their own.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# The letters a base letter and a mark make (đ is one character, and stays one).
MARKED_LETTERS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# The tones, in dictionary order: ngang (no mark), huyền, hỏi, ngã, sắc, nặng.
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
# Where each character sorts: a space first, then digits, then letters, then anything else.
_RANK = {char: rank for rank, char in enumerate([" ", *"0123456789", *ALPHABET], start=1)}


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Vietnamese dictionary order, for names of units and people: ``sorted(names, key=sort_key)``.

    Letters first: a < ă < â < b < ... < d < đ < e < ê < ... < o < ô < ơ < ... < u < ư < ... < y,
    case aside; then, between names spelt with the same letters, the tones, letter by letter:
    none, huyền, hỏi, ngã, sắc, nặng (ma < mà < mả < mã < má < mạ); then the text itself, so that
    the order is total. A space comes before any letter (``An Giang`` < ``Anh``), digits before
    letters, any other character after them by code point. Composed and decomposed input sort
    alike.
    """
    letters: list[int] = []
    tones: list[int] = []
    for base, marks in _clusters(unicodedata.normalize("NFD", text.casefold())):
        letter = next(
            (MARKED_LETTERS[base, mark] for mark in marks if (base, mark) in MARKED_LETTERS), base
        )
        if base.isspace():
            letter = " "
        letters.append(_RANK.get(letter, len(_RANK) + 1 + ord(letter)))
        tones.append(next((i for i, tone in enumerate(TONES) if tone and tone in marks), 0))
    return tuple(letters), tuple(tones), nfc(text)


def _clusters(decomposed: str) -> list[tuple[str, str]]:
    """Each base character with the combining marks that follow it."""
    clusters: list[tuple[str, str]] = []
    for char in decomposed:
        if unicodedata.combining(char) and clusters:
            base, marks = clusters[-1]
            clusters[-1] = (base, marks + char)
        else:
            clusters.append((char, ""))
    return clusters


def number(value: float | Decimal | int | None, digits: int = 1) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=locale_code()))


def money(value: int | None) -> str:
    """1.234.567 ₫ (never broken before the ₫); an unknown amount is not zero."""
    if value is None:
        return str(gettext("Chưa lượng hóa được bằng tiền"))
    return f"{format_decimal(value, format='#,##0', locale=locale_code())}\u00a0₫"


def day(value: date | datetime | None) -> str:
    """dd/MM/yyyy in both languages: the format the users read every day."""
    return "" if value is None else babel_format_date(value, "dd/MM/yyyy")


def clock(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, "HH:mm")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(number=number, money=money, day=day, clock=clock)
    app.jinja_env.globals.update(locale_code=locale_code)
