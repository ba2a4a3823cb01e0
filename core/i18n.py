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
