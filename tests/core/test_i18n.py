import subprocess
import sys
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from core.i18n import day, money, nfc, number

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
