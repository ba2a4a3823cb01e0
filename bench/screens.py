"""Issue 10's load goals, against the real server, each beside a bare baseline in the same run.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/screens.py screens     # 20 big screens, J=5 judges, 3 rounds
    .venv/bin/python bench/screens.py phones      # 2,000 phones polling, 5 new snapshots

Both seed a demo event in a temporary instance folder, start ``sangtao serve`` (gevent,
``SANGTAO_BENCHMARK=1`` for display/bench.py's bare routes) on 127.0.0.1, and sample the server's
resident memory (VmRSS of /proc/<pid>/status) every 0.2 s; they print the peak.

``screens``: bench/latency.py's rounds with S=20 screens on ``/display`` (judges posting back to
back, or every ``--interval`` seconds), after its warm-up round: a sample is the time from just
before a judge's ``POST /api/v1/scoresheets`` until a screen receives the first ``standings``
snapshot with that sheet; the bare baseline replays the same requests at the same times as
``POST /bench/broadcast/<slug>`` of the round's final snapshot, emitted to the same
screens with no database work. Goal: p99 <= 2x bare.

``phones``: P=2,000 phones (one gevent greenlet and one keep-alive HTTP connection each, in this
process) poll ``/live/<slug>/snapshot.json`` every 4 s (the page's ``POLL_EVERY``) with
``If-None-Match``, each at its own phase of the period, as the phone page does, keeping its
connection alive unless the answer closes it (``/live`` does); the server runs with
``SANGTAO_MAX_CONNECTIONS`` = P + 500, as the default 1,000 would not hold the bare route's 2,000
kept-alive connections. Once every
phone has its first snapshot and one period went by, a judge submits a sheet every 2 periods, 5
times; a sample is the time from just before the POST until a phone receives a snapshot newer than
the one before the POST. The bare baseline: the same phones poll ``/bench/snapshot/<slug>`` (the
same payload kept in memory, same ETag rule) and the bench posts a new version of it at the same
times. The waiting for the next poll is in both (0 to 4 s); the time each GET took to be answered
is printed too. Goals: p99 <= 1.2x bare, RSS <= 250 MB.

It prints percentiles in milliseconds and their ratios; it never asserts on timings.
"""

from __future__ import annotations

import sys

if sys.argv[1:2] == ["phones"]:
    from gevent import monkey

    monkey.patch_all()  # thousands of phones as greenlets; before anything opens a socket

import argparse
import http.client
import json
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import (
    HOST,
    SHEETS_PATH,
    free_port,
    http_session,
    instance_env,
    percentiles,
    seed_demo,
    sheet_body,
    start,
    stop,
)

PERCENTILES = (50, 95, 99)
MB = 1024 * 1024


# --- the server and its memory ------------------------------------------------------------


class Memory:
    """The peak resident memory of a process, sampled every 0.2 s in a daemon thread."""

    def __init__(self, pid: int) -> None:
        self.path = Path(f"/proc/{pid}/status")
        self.peak = 0
        self.running = True
        threading.Thread(target=self._sample, daemon=True).start()

    def now(self) -> int:
        for line in self.path.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _sample(self) -> None:
        while self.running:
            try:
                self.peak = max(self.peak, self.now())
            except OSError:
                return
            time.sleep(0.2)


@contextmanager
def server(env: dict[str, str]) -> Iterator[tuple[int, Memory]]:
    """``sangtao serve`` for the instance folder of ``env``: its port and its memory."""
    port = free_port()
    log = Path(env["SANGTAO_INSTANCE"]) / "server.log"
    command = [sys.executable, "-m", "core", "serve", "--host", HOST, "--port", str(port)]
    process = start(command, env, log, f"http://{HOST}:{port}/healthz")
    memory = Memory(process.pid)
    try:
        yield port, memory
    except Exception:
        print(f"--- end of the server log ---\n{log.read_text(errors='replace')[-4000:]}")
        raise
    finally:
        memory.running = False
        stop(process)


def line(name: str, samples: list[float], missed: int = 0) -> str:
    figures = "".join(f"{value:10.2f}" for value in percentiles(samples, PERCENTILES))
    return f"{name:30}{len(samples):8d}{missed:8d}{figures}"


def ratio(measured: list[float], bare: list[float]) -> str:
    pairs = zip(percentiles(measured, PERCENTILES), percentiles(bare, PERCENTILES), strict=True)
    return f"{'  ratio':46}" + "".join(f"{a / b:9.2f}x" for a, b in pairs)


def header() -> str:
    names = "".join(f"{'p' + str(p):>10}" for p in PERCENTILES)
    return f"{'':30}{'samples':>8}{'missed':>8}{names}  (ms)"


# --- 20 screens ----------------------------------------------------------------------------


def screens(args: argparse.Namespace) -> None:
    import latency

    rounds = argparse.Namespace(
        judges=args.judges, screens=args.screens, sheets=0, interval=args.interval
    )
    with tempfile.TemporaryDirectory(prefix="sangtao-bench-") as folder:
        env = instance_env(Path(folder), SANGTAO_BENCHMARK="1")
        demos = [seed_demo(env) for _ in range(args.repeat + 1)]  # and the warm-up's
        with server(env) as (port, memory):
            pace = f"every {args.interval} s" if args.interval else "back to back"
            print(
                f"S={args.screens} screens, J={args.judges} judges posting {pace}, "
                f"{args.repeat} round(s) after a warm-up"
            )
            product, bare = latency.measured_rounds(rounds, demos, port)
            print("\n" + header())
            print(line("submit -> screen snapshot", product.latencies, product.missed))
            print(line("bare broadcast", bare.latencies, bare.missed))
            print(ratio(product.latencies, bare.latencies))
            print(f"server RSS peak {memory.peak / MB:.1f} MB")


# --- 2,000 phones --------------------------------------------------------------------------


@dataclass
class Phones:
    """P phones polling ``path`` every ``period`` seconds with ``If-None-Match``; each keeps
    when it first got each version, and how long each of its GETs took."""

    port: int
    path: str
    count: int
    period: float
    arrivals: list[list[tuple[float, int]]] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    measuring: bool = False
    running: bool = True
    failures: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def run(self) -> list[Any]:
        import gevent

        self.arrivals = [[] for _ in range(self.count)]
        return [gevent.spawn(self._phone, index) for index in range(self.count)]

    def _phone(self, index: int) -> None:
        import gevent

        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        tag = ""
        next_poll = time.perf_counter() + random.Random(index).uniform(0, self.period)
        while self.running:
            gevent.sleep(max(0.0, next_poll - time.perf_counter()))
            next_poll += self.period
            t0 = time.perf_counter()
            try:
                connection.request("GET", self.path, headers={"If-None-Match": tag} if tag else {})
                reply = connection.getresponse()
                body = reply.read()
            except (OSError, http.client.HTTPException) as error:
                self.failures += 1
                self.errors[type(error).__name__] = self.errors.get(type(error).__name__, 0) + 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                continue
            arrived = time.perf_counter()
            if self.measuring:
                self.answers.append((arrived - t0) * 1000)
            if reply.status == 200:
                tag = reply.getheader("ETag", "")
                self.arrivals[index].append((arrived, version_of(json.loads(body))))
        connection.close()

    def ready(self) -> bool:
        return all(self.arrivals)

    def delivery(self, changes: list[tuple[float, int]]) -> tuple[list[float], int]:
        """Per (change, phone): from the change's t0 to the first snapshot newer than the
        version before it."""
        samples: list[float] = []
        missed = 0
        for t0, before in changes:
            for seen in self.arrivals:
                arrival = next((at for at, version in seen if version > before), None)
                if arrival is None:
                    missed += 1
                else:
                    samples.append((arrival - t0) * 1000)
        return samples, missed


def version_of(payload: dict[str, Any]) -> int:
    """The phones' payload version: the newest of its snapshots (the live page's ETag), or the
    bare payload's own."""
    if "version" in payload:
        return int(payload["version"])
    return max(int(snapshot["version"]) for snapshot in payload.values())


def measure(
    args: argparse.Namespace, port: int, path: str, change: Callable[[], tuple[float, int]]
) -> tuple[Phones, list[tuple[float, int]]]:
    """The phones on ``path``; once all have a snapshot and a period went by, ``args.changes``
    changes two periods apart, then two more periods for every phone to catch up."""
    import gevent

    phones = Phones(port, path, args.phones, args.period)
    greenlets = phones.run()
    deadline = time.monotonic() + 120
    while not phones.ready() and time.monotonic() < deadline:
        gevent.sleep(0.2)
    if not phones.ready():
        got = sum(1 for seen in phones.arrivals if seen)
        raise RuntimeError(
            f"{got}/{phones.count} phones got a first snapshot of {path} "
            f"({phones.failures} requests failed: {phones.errors})"
        )
    gevent.sleep(args.period)
    phones.measuring = True
    changes: list[tuple[float, int]] = []
    for _ in range(args.changes):
        changes.append(change())
        gevent.sleep(2 * args.period)
    phones.measuring = False
    phones.running = False
    gevent.joinall(greenlets, timeout=2 * args.period + 30)
    return phones, changes


def phones(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="sangtao-bench-") as folder:
        # A phone keeps its connection alive between polls, as a browser does, unless the answer
        # closes it (/live's do): on the bare route, the default cap of 1,000 connections would
        # leave the other thousand waiting in the listen queue.
        env = instance_env(
            Path(folder),
            SANGTAO_BENCHMARK="1",
            SANGTAO_MAX_CONNECTIONS=str(args.phones + 500),
        )
        demo = seed_demo(env)
        with server(env) as (port, memory):
            base = f"http://{HOST}:{port}"
            live = f"/live/{demo.slug}/snapshot.json"
            sheets = iter([(token, entry) for entry in demo.entries for token in demo.tokens])
            rng = random.Random(10)

            def post(url: str, body: dict[str, Any], **headers: str) -> Any:
                # A new connection each time: the server closes one left idle for a period.
                with http_session() as session:
                    return session.post(url, json=body, headers=headers, timeout=30)

            def current() -> dict[str, Any]:
                with http_session() as session:
                    reply = session.get(base + live, timeout=30)
                reply.raise_for_status()
                payload: dict[str, Any] = reply.json()
                return payload

            def submit() -> tuple[float, int]:
                before = version_of(current())
                for token, entry in sheets:
                    body = sheet_body(entry, demo.criteria, rng)
                    t0 = time.perf_counter()
                    reply = post(base + SHEETS_PATH, body, Authorization=f"Bearer {token}")
                    if reply.status_code == 201:
                        return t0, before
                raise RuntimeError("the demo event has no sheet left to submit")

            print(f"P={args.phones} phones polling every {args.period} s, {args.changes} changes")
            product, product_changes = measure(args, port, live, submit)
            product_rss = memory.peak
            payload = current()
            bare_version = 1_000_000

            def publish() -> tuple[float, int]:
                nonlocal bare_version
                before = bare_version
                bare_version += 1
                t0 = time.perf_counter()
                post(f"{base}/bench/snapshot/{demo.slug}", payload | {"version": bare_version})
                return t0, before

            post(f"{base}/bench/snapshot/{demo.slug}", payload | {"version": bare_version})
            bare, bare_changes = measure(args, port, f"/bench/snapshot/{demo.slug}", publish)
            size = len(json.dumps(payload, ensure_ascii=False).encode())
            delivered, missed = product.delivery(product_changes)
            bare_delivered, bare_missed = bare.delivery(bare_changes)
            print(f"payload {size} bytes\n\n" + header())
            print(line("new snapshot -> phone", delivered, missed))
            print(line("bare route", bare_delivered, bare_missed))
            print(ratio(delivered, bare_delivered))
            print(line("phone's GET answered", product.answers, product.failures))
            print(line("bare GET answered", bare.answers, bare.failures))
            print(ratio(product.answers, bare.answers))
            print(
                f"server RSS peak {product_rss / MB:.1f} MB during the phones on /live, "
                f"{memory.peak / MB:.1f} MB over the whole run"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parts = parser.add_subparsers(dest="part", required=True)
    wall = parts.add_parser("screens", help="submit-to-screen for S big screens")
    wall.add_argument("-s", "--screens", type=int, default=20, help="screen clients")
    wall.add_argument("-j", "--judges", type=int, default=5, help="judges posting at once")
    wall.add_argument("-r", "--repeat", type=int, default=3, help="rounds, one event each")
    wall.add_argument(
        "-i", "--interval", type=float, default=0.0, help="seconds between a judge's sheets"
    )
    crowd = parts.add_parser("phones", help="a new snapshot to P phones polling with ETag")
    crowd.add_argument("-p", "--phones", type=int, default=2000, help="phones")
    crowd.add_argument("--period", type=float, default=4.0, help="seconds between polls")
    crowd.add_argument("-c", "--changes", type=int, default=5, help="new snapshots")
    args = parser.parse_args()
    if args.part == "screens":
        screens(args)
    else:
        phones(args)


if __name__ == "__main__":
    main()
