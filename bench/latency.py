"""Submit-to-screen latency of the standings, against the real server, with a bare baseline.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/latency.py            # J=5 judges, S=10 screens, 3 rounds

What it does, all on 127.0.0.1:

* seeds one fresh demo event per round (``sangtao seed-demo --json``), and one for a first
  round that is not counted (the server's warm-up: see :func:`measured_rounds`), in a temporary
  instance folder and SQLite database, then starts the production server (``sangtao serve``: gevent,
  websockets) on a free port, with ``SANGTAO_BENCHMARK=1`` for the bare broadcast below;
* per round, connects S screens (bare websockets, one thread reading them all) to ``/display``
  and has J judges post their submitted sheets concurrently, one thread and one ``requests.Session``
  each, back to back or every ``--interval`` seconds; a sample is the time from just before a
  ``POST /api/v1/scoresheets`` is sent until one screen receives the first ``standings``
  snapshot that includes that sheet: J x N x S a round, less the sheets refused as recused;
* then, on the same server and screens, measures a bare broadcast: the same J threads replay the
  judges' requests at the same times, each a ``POST /bench/broadcast/<slug>`` carrying the
  round's final snapshot with a version number of the bench's own, which the server emits as
  ``bench`` to the event's screens with no database work; a sample is the time from just before
  the POST until one screen receives the ``bench`` payload with that version.

It prints p50/p95/p99 in milliseconds for both and their ratio, then the same for the time each
POST took to be answered on its own (the judge's tablet waits for that one; the screens' snapshot
is built after it, off the request); it never asserts on timings.
The server runs as ``python -m core serve``, the entry point of the ``sangtao`` script.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import selectors
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness import (
    HOST,
    SHEETS_PATH,
    Demo,
    http_session,
    instance_env,
    percentiles,
    seed_demo,
    serving,
    sheet_body,
    timed_post,
)
from wsproto import ConnectionType, WSConnection
from wsproto.events import Message, Ping, Request, TextMessage

NAMESPACE = "/display"
SOCKET_PATH = "/socket.io/?EIO=4&transport=websocket"
EVENT_PREFIX = f"42{NAMESPACE},"  # a Socket.IO event of the namespace, in an Engine.IO message
EVENTS = ("standings", "bench")  # what the screens record

CONNECT_TIMEOUT = 10.0  # seconds for a screen to connect and get its first snapshot
ROUND_TIMEOUT = 120.0  # seconds for all the requests of a round, on top of its schedule
SETTLE_TIMEOUT = 15.0  # seconds, after the last POST, for every screen to catch up
PERCENTILES = (50, 95, 99)

Snapshot = dict[str, Any]
Schedule = list[list[float]]  # per thread, when each request was sent (s after the start)


@dataclass(frozen=True)
class Sent:
    """One request whose effect the screens wait for: when it left, how long its answer took
    (ms), and how to recognise its effect."""

    t0: float
    answered: float
    includes: Callable[[Snapshot], bool]


@dataclass
class Result:
    latencies: list[float]
    missed: int
    answers: list[float]


# --- screens -------------------------------------------------------------------------------


class Wall:
    """S screens on an event's ``/display`` room, keeping every payload with its arrival time.

    ``seen[name][screen]`` lists what that screen got of event ``name`` (one of ``EVENTS``).

    The screens are bare websockets speaking Engine.IO 4 and Socket.IO 5 (what the big screen's
    page speaks), all read by one thread: ``socketio.Client`` starts a thread per message
    received, and 20 of them contending for the bench's interpreter delayed the arrivals by
    more than the server took to send them, the bare broadcast's above all (one message per
    POST, where the product sends one per build).
    """

    def __init__(self, url: str, slug: str, count: int) -> None:
        self.address = urlsplit(url).netloc
        self.slug = slug
        self.count = count
        self.lock = threading.Lock()
        self.seen: dict[str, list[list[tuple[float, Snapshot]]]] = {
            name: [[] for _ in range(count)] for name in EVENTS
        }
        self.selector = selectors.DefaultSelector()
        self.partial: dict[int, list[str]] = {}  # each screen's text message being received
        self.running = True
        self.reader = threading.Thread(target=self._read, daemon=True)

    def connect(self) -> None:
        host, port = self.address.rsplit(":", 1)
        for index in range(self.count):
            sock = socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            ws = WSConnection(ConnectionType.CLIENT)
            sock.sendall(ws.send(Request(host=self.address, target=SOCKET_PATH)))
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ, (index, ws))
        self.reader.start()
        if not self._wait(lambda: all(self.seen["standings"]), CONNECT_TIMEOUT):
            raise RuntimeError(f"a screen got no first snapshot from {self.address}")

    def _read(self) -> None:
        while self.running:
            for key, _mask in self.selector.select(timeout=0.1):
                index, ws = key.data
                try:
                    data = key.fileobj.recv(1 << 16)  # type: ignore[union-attr]
                except BlockingIOError:
                    continue
                arrived = time.perf_counter()  # as the data comes in, before it is parsed
                ws.receive_data(data or None)
                for message in self._messages(ws, key.fileobj, index):
                    self._receive(ws, key.fileobj, index, message, arrived)

    def _messages(self, ws: WSConnection, sock: Any, index: int) -> Iterator[str]:
        parts = self.partial.setdefault(index, [])
        for event in ws.events():
            if isinstance(event, TextMessage):
                parts.append(event.data)
                if event.message_finished:
                    yield "".join(parts)
                    parts.clear()
            elif isinstance(event, Ping):
                self._send(sock, ws.send(event.response()))

    def _receive(
        self, ws: WSConnection, sock: Any, index: int, message: str, arrived: float
    ) -> None:
        if message.startswith("0"):  # Engine.IO open: join the namespace as the page does
            auth = json.dumps({"event": self.slug, "screen": f"bench-{index}"})
            self._send(sock, ws.send(Message(data=f"40{NAMESPACE},{auth}")))
        elif message == "2":  # Engine.IO ping
            self._send(sock, ws.send(Message(data="3")))
        elif message.startswith(EVENT_PREFIX):
            name, data = json.loads(message[len(EVENT_PREFIX) :])[:2]
            if name in self.seen:
                with self.lock:
                    self.seen[name][index].append((arrived, data))

    @staticmethod
    def _send(sock: Any, data: bytes) -> None:
        sock.setblocking(True)
        try:
            sock.sendall(data)
        finally:
            sock.setblocking(False)

    def _wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if condition():
                    return True
            time.sleep(0.02)
        with self.lock:
            return condition()

    def settle(self, name: str, done: Callable[[list[Snapshot]], bool]) -> None:
        """Wait (bounded) until what each screen got of ``name`` is ``done``."""

        def caught_up() -> bool:
            return all(done([payload for _, payload in seen]) for seen in self.seen[name])

        self._wait(caught_up, SETTLE_TIMEOUT)

    def result(self, name: str, sent: list[Sent]) -> Result:
        """One sample per (request, screen): the first ``name`` arrival that includes it."""
        latencies: list[float] = []
        missed = 0
        with self.lock:
            for seen in self.seen[name]:
                for s in sent:
                    arrival = next((at for at, snap in seen if s.includes(snap)), None)
                    if arrival is None:
                        missed += 1
                    else:
                        latencies.append((arrival - s.t0) * 1000)
        return Result(latencies, missed, [s.answered for s in sent])

    def close(self) -> None:
        self.running = False
        self.reader.join(timeout=CONNECT_TIMEOUT)
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self.selector.close()


def run_threads(workers: list[Callable[[float], None]], timeout: float) -> None:
    """Run the workers at once, one thread each, and re-raise the first failure.

    Each worker gets the same origin: the perf_counter() time at which they were all released.
    """
    origin: list[float] = []
    start_line = threading.Barrier(len(workers), action=lambda: origin.append(time.perf_counter()))
    errors: list[BaseException] = []

    def run(worker: Callable[[float], None]) -> None:
        try:
            start_line.wait(timeout=CONNECT_TIMEOUT)
            worker(origin[0])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(worker,), daemon=True) for worker in workers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"the posting threads did not finish within {timeout:.0f} s")
    if errors:
        raise errors[0]


# --- the two workloads ---------------------------------------------------------------------


def sheets_counted(entry_id: int, at_least: int) -> Callable[[Snapshot], bool]:
    def includes(snapshot: Snapshot) -> bool:
        return any(
            row["entry_id"] == entry_id and row["sheets"] >= at_least for row in snapshot["entries"]
        )

    return includes


def version_is(version: int) -> Callable[[Snapshot], bool]:
    def includes(payload: Snapshot) -> bool:
        return bool(payload["version"] == version)

    return includes


def post_sheets(
    port: int, demo: Demo, args: argparse.Namespace, seed: int
) -> tuple[list[Sent], Schedule, int]:
    """The judges post concurrently.

    Returns one :class:`Sent` per sheet created, when each was sent, and the standings version
    that has them all.

    A judge sends its k-th sheet k x ``--interval`` seconds after the start, or as soon as its
    previous one is answered if that is later: waves of J sheets at once, or (0) back to back.

    Which snapshot first includes a sheet: the POST does not return the standings version its
    commit made, but the bench can count. Sheets for one entry are posted one at a time (a lock
    per entry, held from just before the POST until its 201, i.e. until its commit), so they are
    committed in the order the bench numbers them; sheets are only ever added here, so the k-th
    sheet of an entry is in a snapshot exactly when that snapshot shows at least k sheets for the
    entry. Different entries go in parallel and each judge starts at a different entry, so judges
    rarely wait for each other; such a wait comes before t0 and is not counted.
    """
    counted = {row["entry_id"]: row["sheets"] for row in standings(port, demo.slug)["entries"]}
    locks = {entry_id: threading.Lock() for entry_id in demo.entries}
    sent: list[Sent] = []
    schedule: Schedule = [[] for _ in range(args.judges)]
    sent_lock = threading.Lock()
    per_judge = args.sheets or len(demo.entries)
    url = f"http://{HOST}:{port}{SHEETS_PATH}"

    def judge(index: int) -> Callable[[float], None]:
        rng = random.Random(seed * 1000 + index)
        offset = index % len(demo.entries)
        order = (demo.entries[offset:] + demo.entries[:offset])[:per_judge]

        def work(origin: float) -> None:
            with http_session() as session:
                session.headers["Authorization"] = f"Bearer {demo.tokens[index]}"
                for step, entry_id in enumerate(order):
                    body = sheet_body(entry_id, demo.criteria, rng)
                    time.sleep(max(0.0, origin + step * args.interval - time.perf_counter()))
                    with locks[entry_id]:
                        reply, t0, answered = timed_post(session, url, body)
                        if reply.status_code == 403 and reply.json().get("error") == "recused":
                            continue  # a judge of the entry's own unit: not a sample
                        if reply.status_code != 201:
                            raise RuntimeError(f"POST {url}: {reply.status_code} {reply.text}")
                        counted[entry_id] += 1
                        includes = sheets_counted(entry_id, counted[entry_id])
                    schedule[index].append(t0 - origin)
                    with sent_lock:
                        sent.append(Sent(t0, answered, includes))

        return work

    run_threads(
        [judge(index) for index in range(args.judges)], ROUND_TIMEOUT + args.interval * per_judge
    )
    return sent, schedule, standings(port, demo.slug)["version"]


def post_broadcasts(port: int, slug: str, final: Snapshot, schedule: Schedule) -> list[Sent]:
    """The judges' requests replayed as bare broadcasts of the round's final snapshot.

    Same threads, same number of requests, each sent at the same time after the start as the
    judge's sheet was (or as soon as the thread's previous request is answered), so that both
    measures see the same offered load. Each POST carries the next version number, taken just
    before it is sent; the server emits the body as it is, so the ``bench`` payload with that
    version is this request's broadcast, whatever order the threads' requests are served in.
    """
    sent: list[Sent] = []
    versions = itertools.count(1)
    lock = threading.Lock()
    url = f"http://{HOST}:{port}/bench/broadcast/{slug}"

    def thread(offsets: list[float]) -> Callable[[float], None]:
        def work(origin: float) -> None:
            with http_session() as session:
                for offset in offsets:
                    time.sleep(max(0.0, origin + offset - time.perf_counter()))
                    with lock:
                        version = next(versions)
                    body = {**final, "version": version}
                    reply, t0, answered = timed_post(session, url, body)
                    if reply.status_code != 204:
                        raise RuntimeError(f"POST {url}: {reply.status_code} {reply.text}")
                    with lock:
                        sent.append(Sent(t0, answered, version_is(version)))

        return work

    last = max((offset for offsets in schedule for offset in offsets), default=0.0)
    run_threads([thread(offsets) for offsets in schedule], ROUND_TIMEOUT + last)
    return sent


# --- the run -------------------------------------------------------------------------------


def standings(port: int, slug: str) -> Snapshot:
    with http_session() as session:
        reply = session.get(f"http://{HOST}:{port}/api/v1/events/{slug}/standings", timeout=10)
    reply.raise_for_status()
    current: Snapshot = reply.json()
    return current


def report(product: Result, baseline: Result) -> None:
    """Each measure of the product above its baseline, then their ratio."""
    names = "".join(f"{'p' + str(p):>10}" for p in PERCENTILES)
    print(f"\n{'':26}{'samples':>8}{'missed':>8}{names}  (ms)")
    pairs = (
        (
            ("submit -> snapshot", product.latencies, product.missed),
            ("bare broadcast", baseline.latencies, baseline.missed),
        ),
        (
            ("judge's POST answered", product.answers, 0),
            ("bare POST answered", baseline.answers, 0),
        ),
    )
    for measured, bare in pairs:
        for name, samples, missed in (measured, bare):
            figures = "".join(f"{value:10.2f}" for value in percentiles(samples, PERCENTILES))
            print(f"{name:26}{len(samples):8d}{missed:8d}{figures}")
        ratios = zip(
            percentiles(measured[1], PERCENTILES), percentiles(bare[1], PERCENTILES), strict=True
        )
        print(f"{'  ratio':42}" + "".join(f"{a / b:9.1f}x" for a, b in ratios))


def one_round(
    args: argparse.Namespace, demo: Demo, number: int, port: int
) -> tuple[Result, Result]:
    """The judges' sheets, then as many bare broadcasts, to the same screens."""
    wall = Wall(f"http://{HOST}:{port}", demo.slug, args.screens)
    try:
        wall.connect()
        sheets, schedule, version = post_sheets(port, demo, args, number)
        wall.settle("standings", lambda got: any(snap["version"] >= version for snap in got))
        final = standings(port, demo.slug)
        broadcasts = post_broadcasts(port, demo.slug, final, schedule)
        wall.settle("bench", lambda got: len(got) >= len(broadcasts))
        product = wall.result("standings", sheets)
        bare = wall.result("bench", broadcasts)
    finally:
        wall.close()
    size = len(json.dumps(final, ensure_ascii=False).encode())
    last = max((offset for offsets in schedule for offset in offsets), default=0.0)
    print(
        f"{f'round {number}' if number else 'warm-up (not counted)'}: {len(sheets)} sheets sent "
        f"over {last:.2f} s, snapshot {size} bytes; "
        f"p50 submit -> snapshot {percentiles(product.latencies, PERCENTILES)[0]:.2f} ms, "
        f"bare {percentiles(bare.latencies, PERCENTILES)[0]:.2f} ms"
    )
    return product, bare


def measured_rounds(
    args: argparse.Namespace, demos: list[Demo], port: int
) -> tuple[Result, Result]:
    """A warm-up round on the first event, not counted, then a round on each other event: their
    samples together. The server compiles each SQL statement the first time it runs it (the
    first sheet after a start is answered in about 50 ms rather than 15): a cost of the start,
    not of the day."""
    warm_up, *measured = demos
    one_round(args, warm_up, 0, port)
    product = Result([], 0, [])
    bare = Result([], 0, [])
    for number, demo in enumerate(measured, start=1):
        mine, theirs = one_round(args, demo, number, port)
        for total, part in ((product, mine), (bare, theirs)):
            total.latencies += part.latencies
            total.missed += part.missed
            total.answers += part.answers
    return product, bare


def bench(args: argparse.Namespace, demos: list[Demo], port: int) -> None:
    print(
        f"J={args.judges} judges, S={args.screens} screens, "
        f"N={args.sheets or len(demos[0].entries)} sheets per judge every {args.interval} s, "
        f"{args.repeat} round(s) after a warm-up\n"
        f"server http://{HOST}:{port} (sangtao serve, SANGTAO_BENCHMARK=1)"
    )
    report(*measured_rounds(args, demos, port))


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="sangtao-bench-") as folder:
        # SANGTAO_BENCHMARK: POST /bench/broadcast/<slug>, the bare broadcast.
        env = instance_env(Path(folder), SANGTAO_BENCHMARK="1")
        # A fresh event per round (and the warm-up's): a judge has one sheet per entry, and
        # counting needs new ones.
        demos = [seed_demo(env) for _ in range(args.repeat + 1)]
        if not 1 <= args.judges <= len(demos[0].tokens):
            raise SystemExit(f"--judges must be 1..{len(demos[0].tokens)}")
        if not 0 <= args.sheets <= len(demos[0].entries):
            raise SystemExit(f"--sheets must be 1..{len(demos[0].entries)} (0: every entry)")
        with serving(env, args.port) as port:
            bench(args, demos, port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-j", "--judges", type=int, default=5, help="judges posting at once")
    parser.add_argument("-s", "--screens", type=int, default=10, help="screen clients")
    parser.add_argument(
        "-n", "--sheets", type=int, default=0, help="sheets per judge (default: every entry)"
    )
    parser.add_argument("-r", "--repeat", type=int, default=3, help="rounds, one event each")
    parser.add_argument(
        "-i",
        "--interval",
        type=float,
        default=0.0,
        help="seconds between a judge's sheets (default 0: back to back)",
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    args = parser.parse_args()
    if args.repeat < 1 or args.screens < 1 or args.interval < 0:
        parser.error("--repeat and --screens must be at least 1, --interval at least 0")
    run(args)


if __name__ == "__main__":
    main()
