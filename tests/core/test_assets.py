import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from core.app import ROOT
from core.assets import static_url

STATIC = ROOT / "static"
IMPORT_MAP = re.compile(r'<script type="importmap" nonce="[^"]+">(.*?)</script>', re.S)
MODULE_ENTRY = re.compile(r'<script type="module" src="([^"]+)"></script>')


def version_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def import_map(page: str) -> dict[str, str]:
    (found,) = IMPORT_MAP.findall(page)
    return dict(json.loads(found)["imports"])


@pytest.fixture
def home_imports(client, factory):
    """The import map of the home page, as an organiser past the first run gets it."""
    factory.organiser(admin=True)
    return lambda: import_map(client.get("/").get_data(as_text=True))


@pytest.fixture
def static_folder(app, tmp_path, monkeypatch):
    """A static folder of the test's own, so that its files can change."""
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    (tmp_path / "js" / "lib").mkdir(parents=True)
    return tmp_path


def test_a_static_url_carries_the_fingerprint_of_the_file(app):
    with app.test_request_context():
        url = static_url("css/app.css")
    assert url == f"/static/css/app.css?v={version_of(STATIC / 'css' / 'app.css')}"


def test_the_url_changes_when_the_file_changes(app, static_folder):
    module = static_folder / "js" / "lib" / "outbox.js"
    module.write_text("export const version = 1;\n")
    with app.test_request_context():
        before = static_url("js/lib/outbox.js")
        assert static_url("js/lib/outbox.js") == before
        module.write_text("export const version = 2;\n")
        later = module.stat().st_mtime + 1  # an upgrade within the clock's resolution
        os.utime(module, (later, later))
        after = static_url("js/lib/outbox.js")
    assert before != after
    assert after == f"/static/js/lib/outbox.js?v={version_of(module)}"


def test_a_missing_file_gets_a_plain_url(app):
    with app.test_request_context():
        assert static_url("js/nowhere.js") == "/static/js/nowhere.js"
        assert "?v=" not in static_url("../pyproject.toml")  # never read outside the folder


def test_a_file_asked_for_at_its_version_is_cached_for_a_year(client, app):
    with app.test_request_context():
        url = static_url("css/app.css")
    response = client.get(url)
    assert response.status_code == 200
    assert response.cache_control.public
    assert response.cache_control.max_age == 31536000
    assert response.cache_control.immutable
    assert not response.cache_control.no_cache


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v="])
def test_any_other_request_keeps_conditional_caching(client, query):
    response = client.get(f"/static/css/app.css{query}")
    assert response.status_code == 200
    assert response.cache_control.no_cache
    assert not response.cache_control.immutable
    assert response.cache_control.max_age is None
    again = client.get(
        f"/static/css/app.css{query}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert not again.cache_control.immutable


def test_an_old_version_after_an_upgrade_is_not_cached_for_good(client, app, static_folder):
    module = static_folder / "js" / "lib" / "total.js"
    module.write_text("export const version = 1;\n")
    with app.test_request_context():
        old = static_url("js/lib/total.js")
    module.write_text("export const version = 22;\n")
    assert client.get(old).cache_control.immutable is False
    with app.test_request_context():
        assert client.get(static_url("js/lib/total.js")).cache_control.immutable


def test_the_import_map_lists_every_shared_module_and_the_vendored_libraries(home_imports):
    imports = home_imports()
    modules = sorted(p.name for p in (STATIC / "js" / "lib").glob("*.js"))
    assert {"outbox.js", "total.js", "config.js"} <= set(modules)
    expected = {f"#lib/{name}": f"/static/js/lib/{name}" for name in modules}
    expected["socket.io-client"] = "/static/vendor/socket.io.esm.min.js"
    expected["sortablejs"] = "/static/vendor/sortable.esm.js"
    expected["chart.js"] = "/static/vendor/chart.js/chart.js"
    expected["@kurkle/color"] = "/static/vendor/kurkle-color/color.esm.js"
    expected["canvas-confetti"] = "/static/vendor/confetti.module.js"
    # Chart.js imports its chunk by a relative path: the map gives that URL its version too.
    chunk = "/static/vendor/chart.js/chunks/helpers.dataset.js"
    expected[chunk] = chunk
    assert set(imports) == set(expected)
    for specifier, path in expected.items():
        assert imports[specifier] == f"{path}?v={version_of(ROOT / path.lstrip('/'))}"


def test_the_import_map_follows_the_shared_modules(home_imports, static_folder):
    (static_folder / "js" / "lib" / "ballot.js").write_text("export const ballot = 1;\n")
    imports = home_imports()
    assert imports["#lib/ballot.js"].startswith("/static/js/lib/ballot.js?v=")


def test_every_module_imported_in_static_js_is_in_the_import_map(home_imports):
    imports = home_imports()
    specifiers = {
        found
        for path in (STATIC / "js").rglob("*.js")
        for found in re.findall(r'^import .*? from "([^"]+)";$', path.read_text(), re.M)
    }
    assert specifiers, "the modules import each other"
    assert specifiers <= set(imports)


@pytest.fixture
def pages_of_the_day(client, contest, judge, organiser_client):
    organiser = organiser_client(admin=True)  # past the first run, too
    client.get(f"/j/{judge.token}")
    return {
        "home": client.get("/").get_data(as_text=True),
        "pitches": client.get("/judge").get_data(as_text=True),
        "sheet": client.get(f"/judge/entries/{contest.entries[0]}").get_data(as_text=True),
        "display": client.get(f"/display/{contest.slug}").get_data(as_text=True),
        "manage": organiser.get(f"/manage/{contest.slug}/").get_data(as_text=True),
    }


def test_every_static_url_in_the_pages_is_fingerprinted(pages_of_the_day):
    for name, page in pages_of_the_day.items():
        urls = re.findall(r'(?:src|href)="(/static/[^"]*)"', page)
        assert urls, name
        for url in urls:
            assert re.search(r"\?v=[0-9a-f]{12}$", url), (name, url)


def test_each_page_with_a_script_loads_one_module_entry(pages_of_the_day):
    pages = pages_of_the_day
    for name in ("pitches", "sheet", "display"):
        (entry,) = MODULE_ENTRY.findall(pages[name])
        assert entry.startswith(f"/static/js/pages/{name}.js?v="), name
        assert "<script src=" not in pages[name]
        assert pages[name].count('<script type="importmap"') == 1
