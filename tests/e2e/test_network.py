"""The production server on a hostile venue network: half-sent requests, a flood of connections
that never finish, a big screen on a congested link, and secrets in the access log.

One server for the module, as ``sangtao serve`` runs at an event, with a read timeout of one
second, room for a few dozen connections at once and a file limit far below the number of
connections the tests hold open.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, suppress
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import websocket
from sqlalchemy import select

from core import db
from initiatives.models import Initiative
from kiosk.models import Exhibit, Visit
from scoring.models import Entry
from tests.conftest import make_app, settle
from tests.e2e.server import Server
from tests.factories import Factory

READ_TIMEOUT = 1.0  # SANGTAO_READ_TIMEOUT, seconds
CONNECTIONS = 40  # SANGTAO_MAX_CONNECTIONS
OPEN_FILES = 256  # the server's file limit, soft and hard
HELD = 300  # half-sent requests held open at once: more than the server has files for
BIG_CONTEST = 3_000  # entries with long titles: a standings snapshot of a few MB
# Longer than a send buffer can hold on Linux (tcp_wmem's default maximum is 4 MiB).
BIG_SNAPSHOTS = 4 * 1024 * 1024
TITLE = (
    "Giải pháp số hoá quy trình kiểm tra, bảo dưỡng định kỳ máy biến áp 110 kV bằng thiết bị "
    "bay không người lái kết hợp trí tuệ nhân tạo nhận dạng điểm phát nhiệt bất thường trên "
    "sứ cách điện, đầu cốt và thanh cái, giúp rút ngắn thời gian cắt điện công tác, nâng cao "
    "độ tin cậy cung cấp điện và an toàn cho người lao động tại các trạm biến áp không người "
    "trực thuộc Công ty Điện lực"
)
GIVE_UP = 10 * READ_TIMEOUT  # how long a test waits for the server to close a connection
NAMESPACE = "/display"


@dataclass(frozen=True)
class Venue:
    server: Server
    demo: dict[str, Any]
    big_event: str  # the slug of an event with BIG_CONTEST entries

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.server.port)


@pytest.fixture(scope="module")
def venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venue]:
    server = Server(
        tmp_path_factory.mktemp("network"),
        SANGTAO_READ_TIMEOUT=str(READ_TIMEOUT),
        SANGTAO_MAX_CONNECTIONS=str(CONNECTIONS),
    )
    demo = server.seed()
    app = make_app(server.database_url)
    factory = Factory(app)
    big = factory.contest(entries=BIG_CONTEST)
    with factory.writing() as session:
        for number, initiative in enumerate(
            session.scalars(
                select(Initiative)
                .join(Entry, Entry.initiative_id == Initiative.id)
                .where(Entry.id.in_(big.entries))
            )
        ):
            initiative.title = f"{TITLE} ({number})"
    settle(app)
    app.extensions[db.EXTENSION].dispose()
    server.start(open_files=OPEN_FILES)
    yield Venue(server, demo, big.slug)
    server.stop()


def http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # 127.0.0.1 only, never through a proxy from the environment
    return session


def until_closed(connection: socket.socket) -> bytes | None:
    """Everything the server sends until it closes the connection, or None if it keeps it open
    for GIVE_UP seconds."""
    connection.settimeout(GIVE_UP)
    received = b""
    try:
        while chunk := connection.recv(4096):
            received += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        return None
    return received


def half_sent(venue: Venue) -> socket.socket:
    """A connection that sends the start of a request's headers, and nothing more."""
    connection = socket.create_connection(venue.address, timeout=GIVE_UP)
    connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slo")
    return connection


def sheet_for(venue: Venue) -> tuple[str, dict[str, Any]]:
    """A judge's token and a draft sheet the server accepts (the judge is not recused from it)."""
    judge = venue.demo["judges"][0]
    for entry in venue.demo["entries"]:
        body = {"id": str(uuid.uuid4()), "entry": entry["id"], "scores": {}, "comment": ""}
        if post_sheet(venue, judge["token"], body).status_code in (200, 201):
            return judge["token"], body
    raise AssertionError("the demo judge is recused from every entry")


def post_sheet(venue: Venue, token: str, body: dict[str, Any]) -> requests.Response:
    with http() as session:
        return session.post(
            f"{venue.server.url}/api/v1/scoresheets",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )


# --- slow and half-sent requests -----------------------------------------------------------


def test_a_half_sent_request_is_closed(venue: Venue) -> None:
    with half_sent(venue) as connection:
        assert until_closed(connection) is not None


def test_headers_sent_a_line_at_a_time_are_cut_off(venue: Venue) -> None:
    """Each line comes well within the read timeout, but the headers never end."""
    with socket.create_connection(venue.address, timeout=GIVE_UP) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        deadline = time.monotonic() + GIVE_UP
        try:
            while time.monotonic() < deadline:
                connection.sendall(b"X-Slow: 1\r\n")
                time.sleep(READ_TIMEOUT / 4)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed by the server
        assert until_closed(connection) is not None


def test_a_body_that_never_comes_is_given_up(venue: Venue) -> None:
    token = venue.demo["judges"][0]["token"]
    with socket.create_connection(venue.address, timeout=GIVE_UP) as connection:
        connection.sendall(
            b"POST /api/v1/scoresheets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Authorization: Bearer " + token.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            b'{"id": "'
        )
        answer = until_closed(connection)
    assert answer is not None
    if answer:  # an answer before closing is fine, if it blames the client
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, answer[:200]


def test_a_judge_is_served_while_hundreds_of_connections_hang(venue: Venue) -> None:
    token, sheet = sheet_for(venue)
    held = [half_sent(venue) for _ in range(HELD)]
    try:
        answer = post_sheet(venue, token, sheet)
    finally:
        for connection in held:
            connection.close()
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "unchanged"


# --- websockets ----------------------------------------------------------------------------


def open_screen(venue: Venue, slug: str, receive_buffer: int | None = None) -> websocket.WebSocket:
    """A raw websocket to the ``/display`` namespace, as a big screen opens it, Engine.IO and
    Socket.IO spoken by hand so that every frame can be checked."""
    options = [(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)] if receive_buffer else []
    screen = websocket.create_connection(
        f"ws://127.0.0.1:{venue.server.port}/socket.io/?EIO=4&transport=websocket",
        timeout=30,
        sockopt=options,
        http_no_proxy=["127.0.0.1"],
    )
    opened = screen.recv()
    assert opened.startswith("0"), opened
    json.loads(opened[1:])
    screen.send(f"40{NAMESPACE},{json.dumps({'event': slug, 'screen': 'test'})}")
    return screen


def snapshots(screen: websocket.WebSocket, count: int) -> list[dict[str, Any]]:
    """Read until ``count`` standings snapshots came; every frame must be a whole, valid
    Engine.IO and Socket.IO packet."""
    received: list[dict[str, Any]] = []
    while len(received) < count:
        try:
            frame = screen.recv()
        except websocket.WebSocketException as error:  # its message holds the whole frame
            pytest.fail(f"a frame came corrupt: {type(error).__name__}: {str(error)[:200]}")
        assert isinstance(frame, str), frame[:80]
        if frame == "2":  # Engine.IO's ping
            screen.send("3")
            continue
        kind, _, data = frame.partition(",")
        assert kind in (f"40{NAMESPACE}", f"42{NAMESPACE}"), frame[:80]
        packet = json.loads(data)
        if kind == f"42{NAMESPACE}":
            name, payload = packet
            if name == "standings":
                received.append(payload)
    return received


def refresh(screen: websocket.WebSocket, slug: str) -> None:
    screen.send(f"42{NAMESPACE},{json.dumps(['refresh', {'event': slug}])}")


def test_a_quiet_screen_stays_connected(venue: Venue) -> None:
    """A screen says nothing for longer than the read timeout: it is a websocket, not a slow
    request, and it stays connected."""
    slug = venue.demo["event"]
    with closing(open_screen(venue, slug)) as screen:
        assert snapshots(screen, 1)[0]["event"] == slug
        time.sleep(3 * READ_TIMEOUT)
        refresh(screen, slug)
        assert snapshots(screen, 1)[0]["event"] == slug


def test_a_screen_that_reads_slowly_gets_whole_frames(venue: Venue) -> None:
    """A screen on a congested link: a tiny receive buffer, nothing read for a while, as two
    large snapshots are sent. Every frame arrives whole once it reads again."""
    slug = venue.big_event
    with closing(open_screen(venue, slug, receive_buffer=4096)) as screen:
        refresh(screen, slug)
        time.sleep(2)
        received = snapshots(screen, 2)
    assert [len(snapshot["entries"]) for snapshot in received] == [BIG_CONTEST, BIG_CONTEST]
    size = sum(len(json.dumps(snapshot).encode()) for snapshot in received)
    assert size > BIG_SNAPSHOTS, f"too small to back the network up: {size} bytes"


# --- the access log ------------------------------------------------------------------------


def test_the_access_log_keeps_no_judge_token(venue: Venue) -> None:
    token = venue.demo["judges"][0]["token"]
    with http() as session:
        answer = session.get(f"{venue.server.url}/j/{token}", allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    deadline = time.monotonic() + 10
    while "GET /j/" not in venue.server.log and time.monotonic() < deadline:
        time.sleep(0.1)  # the line is written once the answer is sent
    assert "GET /j/" in venue.server.log
    assert token not in venue.server.log


# --- floods --------------------------------------------------------------------------------

PHONES = 20  # phones opening the same exhibit's page over and over
VISITS_EACH = 40


def visits_to(venue: Venue, token: str) -> int:
    app = make_app(venue.server.database_url)
    try:
        with app.app_context(), db.unit_of_work() as session:
            exhibit = session.scalar(select(Exhibit).where(Exhibit.qr_token == token))
            assert exhibit is not None
            return len(session.scalars(select(Visit).where(Visit.exhibit_id == exhibit.id)).all())
    finally:
        app.extensions[db.EXTENSION].dispose()


def an_exhibit(venue: Venue) -> str:
    app = make_app(venue.server.database_url)
    try:
        with app.app_context(), db.unit_of_work() as session:
            token = session.scalar(select(Exhibit.qr_token).limit(1))
            assert token is not None
            return token
    finally:
        app.extensions[db.EXTENSION].dispose()


def test_a_judge_is_served_while_phones_flood_an_exhibit(venue: Venue) -> None:
    """Phones reload an exhibit's page as fast as they can while a judge saves a sheet: the
    judge is served, and each phone counts as one visit, written off the request."""
    token, sheet = sheet_for(venue)
    exhibit = an_exhibit(venue)
    before = visits_to(venue, exhibit)

    def reload(phone: int) -> list[int]:
        agent = f"Mozilla/5.0 (Linux; Android 13; Phone {phone}) Mobile Safari/537.36"
        with http() as session:
            return [
                session.get(
                    f"{venue.server.url}/E/{exhibit}", headers={"User-Agent": agent}, timeout=30
                ).status_code
                for _ in range(VISITS_EACH)
            ]

    with ThreadPoolExecutor(PHONES) as phones:
        flood = [phones.submit(reload, phone) for phone in range(PHONES)]
        answers = [post_sheet(venue, token, sheet | {"comment": f"Lần lưu {n}"}) for n in range(10)]
        pages = [status for done in flood for status in done.result()]
    assert [answer.status_code for answer in answers] == [200] * 10
    assert pages == [200] * PHONES * VISITS_EACH
    deadline = time.monotonic() + GIVE_UP
    while visits_to(venue, exhibit) < before + PHONES and time.monotonic() < deadline:
        time.sleep(0.5)  # visits are written a few seconds later, together
    assert visits_to(venue, exhibit) == before + PHONES


def test_a_flood_of_socket_messages_is_answered_once(venue: Venue) -> None:
    """A client sends thousands of refresh requests: it gets one fresh snapshot, and a judge
    saving meanwhile is served."""
    slug = venue.demo["event"]
    token, sheet = sheet_for(venue)
    with closing(open_screen(venue, slug)) as screen:
        assert len(snapshots(screen, 1)) == 1
        for _ in range(3000):
            refresh(screen, slug)
        answer = post_sheet(venue, token, sheet | {"comment": "Trong lúc bị spam"})
        assert answer.status_code == 200, answer.text
        screen.settimeout(2)  # a draft moves no screen: after the answer, silence
        extra = 0
        with suppress(websocket.WebSocketTimeoutException):
            while frame := screen.recv():
                if frame == "2":
                    screen.send("3")
                elif '"standings"' in frame[:40]:
                    extra += 1
    assert extra == 1


def test_a_judge_is_served_while_a_socket_never_stops_sending(venue: Venue) -> None:
    """A client sends socket messages without pause for as long as the judge saves: its
    connection always has data waiting, and must still let the others have their turn."""
    slug = venue.demo["event"]
    token, sheet = sheet_for(venue)
    flooding = threading.Event()
    flooding.set()

    def flood() -> None:
        with closing(open_screen(venue, slug)) as screen:
            message = f"42{NAMESPACE},{json.dumps(['refresh', {'event': slug}])}"
            while flooding.is_set():
                screen.send(message)

    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(flood)
        time.sleep(1)  # the flood is at full flow
        try:
            answers = [
                post_sheet(venue, token, sheet | {"comment": f"Giữa trận spam {n}"})
                for n in range(5)
            ]
        finally:
            flooding.clear()
        sending.result()
    assert [answer.status_code for answer in answers] == [200] * 5
