import json
import re

from core.assets import static_url
from scoring import offline


def build_of(script: str) -> dict:
    """The first line of the worker: what this server tells it."""
    first = script.split("\n", 1)[0]
    found = re.fullmatch(r"self\.sangtaoBuild = (.*);", first)
    assert found, first
    return dict(json.loads(found.group(1)))


def test_the_worker_is_served_to_anyone_never_cached_and_may_take_the_judges_pages(client):
    response = client.get("/judge/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/judge"
    assert "no-store" in response.headers["Cache-Control"]
    assert 'self.addEventListener("fetch"' in response.get_data(as_text=True)


def test_the_worker_keeps_every_file_the_judges_pages_load_at_its_fingerprinted_url(app, client):
    build = build_of(client.get("/judge/sw.js").get_data(as_text=True))
    with app.test_request_context():
        wanted = {
            static_url("css/app.css"),
            static_url("js/pages/pitches.js"),
            static_url("js/pages/sheet.js"),
            static_url("js/lib/outbox.js"),
            static_url("js/lib/offline.js"),
            static_url("js/lib/savestate.js"),
        }
    assert wanted <= set(build["shell"])
    assert all("?v=" in url for url in build["shell"])
    assert build["scope"] == "/judge"
    assert build["static"] == "/static/"
    assert "chưa lưu trang này" in build["offline"]


def test_the_same_server_serves_the_same_worker_byte_for_byte(client):
    assert client.get("/judge/sw.js").data == client.get("/judge/sw.js").data


def test_a_new_file_or_template_makes_a_new_version(app, monkeypatch):
    with app.test_request_context():
        files = offline.shell()
        source = "// the worker"
        before = offline.version(source, files)
        assert offline.version(source, files) == before
        assert offline.version(source, [*files[:-1], files[-1] + "0"]) != before
        assert offline.version(source + "\n", files) != before
        loader = app.jinja_env.loader
        real = loader.get_source

        def changed(environment, name):
            text, filename, uptodate = real(environment, name)
            return (
                (text + "<!-- new -->" if name == "scoring/sheet.html" else text),
                filename,
                uptodate,
            )

        monkeypatch.setattr(loader, "get_source", changed)
        assert offline.version(source, files) != before


def test_a_judges_pages_name_the_judge_for_the_worker(judge_client, contest, judge):
    tablet = judge_client(judge)
    for path in ("/judge", f"/judge/entries/{contest.entries[0]}"):
        assert tablet.get(path).headers["Sangtao-Judge"] == str(judge.id)


def test_a_page_without_a_judge_names_nobody(client):
    response = client.get("/judge")
    assert response.status_code == 401
    assert "Sangtao-Judge" not in response.headers


def test_the_address_after_signing_in_is_marked_for_the_worker_and_never_stays(
    client, judge_client, contest, judge
):
    assert build_of(client.get("/judge/sw.js").get_data(as_text=True))["signedIn"] == "signed_in"
    marked = judge_client(judge).get(f"/judge?{offline.SIGNED_IN}=1")
    assert marked.status_code == 302 and marked.headers["Location"] == "/judge"


def test_no_judge_page_stays_in_the_browsers_cache(judge_client, contest, judge):
    tablet = judge_client(judge)
    for path in ("/judge", f"/judge/entries/{contest.entries[0]}"):
        assert tablet.get(path).headers["Cache-Control"] == "no-store"
