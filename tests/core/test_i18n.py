import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from core.i18n import day, fold, money, nfc, number, sort_key

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_an_english_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-o",
            str(template),
            "--no-location",
            "--omit-header",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "core/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    assert not catalog.fuzzy, "pybabel compile skips a catalogue whose header is fuzzy"
    english = {m.id: m for m in catalog if m.id}
    missing = sorted(i for i in wanted if i not in english or not english[i].string)
    fuzzy = sorted(i for i in wanted if i in english and english[i].fuzzy)
    assert not missing, f"run `make messages` and translate: {missing}"
    assert not fuzzy, f"fuzzy translations: {fuzzy}"


def test_vietnamese_formats(app):
    with app.test_request_context():
        assert number(1234.5) == "1.234,5"
        assert money(1_234_567) == "1.234.567\u00a0₫"
        assert money(None) == "Chưa lượng hóa được bằng tiền"
        assert money(0) == "0\u00a0₫"
        assert day(date(2026, 1, 5)) == "05/01/2026"


def test_english_formats(app, client):
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert number(1234.5) == "1,234.5"
        assert money(1_234_567) == "1,234,567\u00a0₫"
        assert day(date(2026, 1, 5)) == "05/01/2026"


def test_text_is_normalised_to_composed_form():
    decomposed = "Tie\u0302\u0301t kie\u0323\u0302m đie\u0323\u0302n"
    assert nfc(decomposed) == "Tiết kiệm điện"


def test_names_sort_in_vietnamese_dictionary_order():
    names = ["Đào", "Dung", "Ơn", "Ôn", "On", "Ân", "Ăn", "An", "Bảo", "Ưng", "Uyên", "Ê-đê", "Em"]
    assert sorted(names, key=sort_key) == [
        "An", "Ăn", "Ân", "Bảo", "Dung", "Đào", "Em", "Ê-đê", "On", "Ôn", "Ơn", "Uyên", "Ưng",
    ]  # fmt: skip


def test_tones_come_after_letters_in_dictionary_order():
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=sort_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ",
    ]  # fmt: skip
    # The letters decide before any tone: "Bà Rịa" before "Bạc Liêu" (a space before c).
    assert sorted(["mạch", "mác", "Bạc Liêu", "Bà Rịa"], key=sort_key) == [
        "Bà Rịa", "Bạc Liêu", "mác", "mạch",
    ]  # fmt: skip


def test_the_sort_ignores_case_and_how_the_letters_were_typed():
    decomposed = unicodedata.normalize("NFD", "Điện lực Ứng Hòa")
    assert sort_key(decomposed)[:2] == sort_key("điện lực ứng hòa")[:2]
    assert sorted(["b", "B", "a"], key=sort_key)[0] == "a"
    assert sorted(["Anh", "An Giang", "A2", "A10"], key=sort_key) == [
        "A10", "A2", "An Giang", "Anh",
    ]  # fmt: skip


def test_fold_lets_a_search_without_diacritics_find_vietnamese_text():
    assert fold("Tiết kiệm ĐIỆN") == "tiet kiem dien"
    assert fold(unicodedata.normalize("NFD", "Đường dây 110 kV")) == "duong day 110 kv"
    assert fold("tiet kiem dien") in fold("Giải pháp Tiết kiệm điện cho trạm biến áp")
