import shutil
import threading
import uuid

import pytest
from redis import Redis
from redis.exceptions import RedisError

from core import auth, config, db
from tests.conftest import make_app, unavailable
from tests.core.test_views import copy_of, csrf, signed_in
from tests.factories import PASSWORD, Factory

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def another_app(tmp_path, template_db, shared_app):
    """Another app on a database of its own, made with ``overrides``, as a server just started.

    Flask-Limiter keeps its storage on the one limiter of the code: it is given back to the
    test app afterwards.
    """
    made = []

    def make(**overrides):
        path = tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(template_db, path)
        made.append(make_app(f"sqlite:///{path}", **overrides))
        return made[-1]

    yield make
    for application in made:
        application.extensions[db.EXTENSION].dispose()
    auth.limiter.init_app(shared_app)


def hashes(monkeypatch):
    """The hashes computed from now on: ("check" or "make", method and cost, thread)."""
    done = []

    def check(stored, password):
        done.append(("check", stored.split("$")[0], threading.get_ident()))
        return original_check(stored, password)

    def make(password, method):
        done.append(("make", method, threading.get_ident()))
        return original_make(password, method=method)

    original_check, original_make = auth.check_password_hash, auth.generate_password_hash
    monkeypatch.setattr(auth, "check_password_hash", check)
    monkeypatch.setattr(auth, "generate_password_hash", make)
    return done


def test_an_unknown_email_costs_the_same_hash_as_a_wrong_password(another_app, monkeypatch):
    started = another_app()
    organiser = Factory(started).organiser(admin=True)
    client = started.test_client()
    done = hashes(monkeypatch)
    costs = []
    for email in (organiser.email, "khong-co@evn.vn"):
        done.clear()
        data = {"email": email, "password": "sai-mat-khau", "csrf_token": csrf(client)}
        assert client.post("/login", data=data).status_code == 401
        costs.append([(kind, method) for kind, method, _thread in done])
    method = organiser.password_hash.split("$")[0]
    assert costs == [[("check", method)], [("check", method)]]


def test_under_gevent_the_password_hash_runs_off_the_event_loop(app, client, factory, monkeypatch):
    app.config["SOCKETIO_ASYNC_MODE"] = "gevent"
    organiser = factory.organiser(admin=True)
    done = hashes(monkeypatch)
    data = {"email": organiser.email, "password": PASSWORD, "csrf_token": csrf(client)}
    assert client.post("/login", data=data).status_code == 302
    assert [kind for kind, _method, _thread in done] == ["check"]
    assert done[0][2] != threading.get_ident()  # the test client serves in this thread


def test_a_new_password_ends_every_session_of_the_account(app, factory, runner):
    organiser = factory.organiser(admin=True)
    browser = signed_in(app, organiser)
    session_copy = copy_of(app, browser, "session")
    remember_copy = copy_of(app, browser, "remember_token")
    reset = runner.invoke(
        args=["create-organiser", "--email", organiser.email, "--name", organiser.name],
        env={"SANGTAO_ORGANISER_PASSWORD": "mat-khau-moi-2026"},
    )
    assert reset.exit_code == 0, reset.output
    for stale in (browser, session_copy, remember_copy):
        assert stale.get("/manage/").status_code == 302


def cookies(response):
    """Each cookie the response sets, by name: its attributes, lower-cased."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        found[name] = {part.strip().lower() for part in rest.split(";")[1:]}
    return found


def log_in(client, organiser, **options):
    data = {"email": organiser.email, "password": PASSWORD, "csrf_token": csrf(client)}
    return client.post("/login", data=data, **options)


def test_the_remember_cookie_is_same_site_and_out_of_reach_of_scripts(client, factory):
    answer = log_in(client, factory.organiser(admin=True))
    remember = cookies(answer)["remember_token"]
    assert {"samesite=lax", "httponly"} <= remember
    assert "secure" not in remember  # plain HTTP on the venue network: it must still work


def test_over_https_every_cookie_is_secure(app, factory):
    browser = app.test_client()
    organiser = factory.organiser(admin=True)
    # Over HTTPS, Flask-WTF also checks that the form came from this site.
    https = {"Referer": "https://localhost/login"}
    answer = log_in(browser, organiser, base_url="https://localhost", headers=https)
    assert answer.status_code == 302
    set_now = cookies(answer)
    assert {"session", "remember_token"} <= set_now.keys()
    assert all("secure" in attributes for attributes in set_now.values())


def test_behind_a_trusted_proxy_its_headers_say_who_asks_and_how(another_app):
    proxied = another_app(TRUST_PROXY=1, LOGIN_LIMIT_PER_ADDRESS="2 per hour")
    organiser = Factory(proxied).organiser(admin=True)
    client = proxied.test_client()
    over_https = {
        "X-Forwarded-For": "10.1.1.1",
        "X-Forwarded-Proto": "https",
        "Referer": "https://localhost/login",
    }
    answer = log_in(client, organiser, headers=over_https)
    assert answer.status_code == 302
    set_now = cookies(answer)
    assert all("secure" in attributes for attributes in set_now.values())
    proxied.config["WTF_CSRF_ENABLED"] = False
    wrong = {"email": organiser.email, "password": "sai-mat-khau"}
    for _attempt in range(2):
        client.post("/login", data=wrong, headers={"X-Forwarded-For": "10.1.1.2"})
    held = client.post("/login", data=wrong, headers={"X-Forwarded-For": "10.1.1.2"})
    assert held.status_code == 429
    other = client.post("/login", data=wrong, headers={"X-Forwarded-For": "10.1.1.3"})
    assert other.status_code == 401


def test_without_a_trusted_proxy_forwarded_headers_change_nothing(app, factory):
    browser = app.test_client()
    answer = log_in(browser, factory.organiser(admin=True), headers={"X-Forwarded-Proto": "https"})
    assert answer.status_code == 302
    assert not any("secure" in attributes for attributes in cookies(answer).values())


def test_a_public_url_on_https_makes_the_cookies_secure(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://sangtao.evn.example")
    settings = config.from_environment()
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("PUBLIC_URL", "http://192.168.1.20:8000")
    settings = config.from_environment()
    assert not settings["SESSION_COOKIE_SECURE"] and not settings["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize("value", ["yes", "-1", "1.5"])
def test_trust_proxy_is_a_number_of_proxies(monkeypatch, value):
    monkeypatch.setenv("TRUST_PROXY", value)
    with pytest.raises(ValueError, match="TRUST_PROXY"):
        config.from_environment()


def test_attempts_are_counted_in_the_redis_of_the_message_queue(another_app, monkeypatch):
    """Several server processes share one Redis: an address held by one is held by all."""
    try:
        Redis.from_url(REDIS).ping()
    except RedisError as error:
        unavailable(f"Redis at {REDIS} is not available: {error.__class__.__name__}")
    monkeypatch.setenv("SOCKETIO_MESSAGE_QUEUE", REDIS)
    assert config.from_environment()["RATELIMIT_STORAGE_URI"] == REDIS
    address = {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9"}
    wrong = {"email": "khong-co@evn.vn", "password": "sai-mat-khau"}
    settings = {"WTF_CSRF_ENABLED": False, "LOGIN_LIMIT_PER_ADDRESS": "2 per hour"}
    first = another_app(**settings)
    Factory(first).organiser(admin=True)  # past the first run
    for _attempt in range(2):
        answer = first.test_client().post("/login", data=wrong, environ_overrides=address)
        assert answer.status_code == 401
    second = another_app(**settings)  # a storage of its own, as in another process
    Factory(second).organiser(admin=True)
    answer = second.test_client().post("/login", data=wrong, environ_overrides=address)
    assert answer.status_code == 429
    with second.app_context():
        auth.limiter.reset()


@pytest.mark.parametrize("admin", [True, False])
def test_signing_in_marks_whether_the_session_is_an_administrators(app, client, factory, admin):
    """Read before the body (core.db.read_body_first): only an administrator's session may send
    the roll-up's or the restore's large body."""
    assert log_in(client, factory.organiser(admin=admin)).status_code == 302
    with client.session_transaction() as session:
        assert session[auth.ADMIN_SESSION] is admin


def test_work_off_the_loop_answers_or_raises_in_the_caller_and_prints_no_traceback(app, capfd):
    def unfit() -> None:
        raise ValueError("không phải ảnh")

    app.config["SOCKETIO_ASYNC_MODE"] = "gevent"  # the pool of threads of `sangtao serve`
    with app.app_context():
        assert auth.off_the_loop(pow, 2, 10) == 1024
        with pytest.raises(ValueError, match="không phải ảnh"):
            auth.off_the_loop(unfit)
    assert "Traceback" not in capfd.readouterr().err
