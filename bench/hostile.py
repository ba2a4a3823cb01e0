"""A judge's POST under the venue network's abuse, against the real server, beside a quiet
baseline measured in the same run.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/hostile.py                       # 50 sheets a situation, every 0.1 s
    .venv/bin/python bench/hostile.py --requests 100 --interval 0.05
    .venv/bin/python bench/hostile.py --only phones sockets  # and the quiet baseline

What it does, all on 127.0.0.1 (about 75 s):

* seeds a demo event (``sangtao seed-demo --json``) in a temporary instance folder and starts the
  production server (``sangtao serve``: gevent, websockets, the default read timeout of 10 s and
  cap of 1,000 connections);
* in each situation, one judge saves a draft of the same sheet ``--requests`` times, one
  ``POST /api/v1/scoresheets`` every ``--interval`` seconds whether or not the previous ones
  were answered (so a server that stalls shows as every save sent meanwhile timing out, not
  as one slow sample), each with new scores and comment (so each is a write and a commit), on
  kept-alive ``requests`` sessions as a tablet's browser would; a sample is the time from just
  before the POST until its 200. Anything else, a broken connection or no answer within
  ``--timeout`` seconds, is counted as failed or timed out, not as a sample;
* the situations, each measured once the attack has reached its full flow (``--ramp``):

  - **quiet**: nothing else (the baseline);
  - **login guessers**: ``--guessers`` clients post wrong organiser logins back to back. The
    login limits (10 per address, 20 per account) would refuse nearly all of them, and the
    refusal costs no hash: to measure the hashing, this situation has a server of its own with
    ``TRUST_PROXY=1`` (and its own quiet baseline), and every guess comes with an
    ``X-Forwarded-For`` address and an unknown e-mail of its own, which costs the same one scrypt
    hash as a wrong password;
  - **half-sent requests**: ``--held`` connections that sent the start of a request's headers
    and nothing more, held open (any the server closes is opened again);
  - **phones**: ``--phones`` clients reload an exhibit's page (``/E/<token>``, the QR code's
    address, read from the server's SQLite file) as fast as they can;
  - **socket flood**: one client on ``/display``, Engine.IO and Socket.IO spoken by hand over a
    websocket, sends ``refresh`` as fast as it can (and answers pings). It runs last on its
    server, which may still be working through the messages long after the flood stops.

Each attack runs in a process of its own, so that its threads do not share the judge's
interpreter lock; all of them share the machine's cores with the server. Once an attack has
stopped, the script waits (up to ``--recovery`` seconds) until the server answers
``GET /healthz`` again, then ``--settle`` seconds more. It prints p50, p90 and max in
milliseconds, the failures, each p50 as a multiple of its server's quiet p50, what each attack
did and how soon the server answered after it; it never asserts on timings.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import re
import select
import socket
import sqlite3
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import requests
import websocket
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

RANKS = (50, 90, 100)  # p50, p90, max
ARM_TIMEOUT = 30.0  # seconds for an attack to reach its full flow
STOP_TIMEOUT = 30.0  # seconds for an attack to end once told to
NAMESPACE = "/display"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PARTIAL_REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slo"
PROXIED = {"TRUST_PROXY": "1"}


@dataclass(frozen=True)
class Target:
    """What an attack needs to know, sent to its process."""

    url: str
    port: int
    slug: str
    exhibit: str
    crowd: int  # guessers, held connections or phones


@dataclass(frozen=True)
class Situation:
    key: str
    title: str
    attack: Callable[[Target, threading.Event, threading.Event], Counter[str]] | None
    crowd: Callable[[argparse.Namespace], int]
    proxied: bool = False  # on the server with TRUST_PROXY=1


@dataclass
class Measured:
    situation: Situation
    samples: list[float] = field(default_factory=list)
    failed: int = 0
    timed_out: int = 0
    crowd: int = 0  # guessers, held connections, phones or socket clients
    attack: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0  # how long the attack ran
    # From the attack's end until the server answered again (s); nan: not within --recovery.
    recovered: float = 0.0


# --- the attacks, each in a process of its own ---------------------------------------------


def crowd(
    count: int,
    arm: Callable[[int], Callable[[], str]],
    ready: threading.Event,
    stop: threading.Event,
) -> Counter[str]:
    """``count`` threads: each arms itself (``arm(index)``: fetch a form, connect...), then,
    once all are armed, calls the attempt ``arm`` returned until ``stop``, counting what each
    attempt returns (or the exception it raised)."""
    armed = threading.Barrier(count + 1)
    tallies: list[Counter[str]] = [Counter() for _ in range(count)]
    failures: list[Exception] = []

    def run(index: int) -> None:
        try:
            attempt = arm(index)
            armed.wait(timeout=ARM_TIMEOUT)
        except threading.BrokenBarrierError:
            return  # another could not arm
        except Exception as error:
            failures.append(error)
            armed.abort()
            return
        while not stop.is_set():
            try:
                tallies[index][attempt()] += 1
            except (OSError, requests.RequestException, websocket.WebSocketException) as error:
                tallies[index][type(error).__name__] += 1

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    try:
        armed.wait(timeout=ARM_TIMEOUT)
    except threading.BrokenBarrierError:
        for thread in threads:
            thread.join()
        raise failures[0] if failures else RuntimeError("the attack could not arm") from None
    ready.set()
    for thread in threads:
        thread.join()
    return sum(tallies, Counter())


def guessers(target: Target, ready: threading.Event, stop: threading.Event) -> Counter[str]:
    """Wrong organiser logins, back to back, each from an address and for an e-mail of its
    own (the server believes X-Forwarded-For: TRUST_PROXY=1)."""
    sessions: list[requests.Session] = []

    def arm(index: int) -> Callable[[], str]:
        session = http_session()
        sessions.append(session)
        page = session.get(f"{target.url}/login", timeout=30)
        found = CSRF_FIELD.search(page.text)
        if found is None:
            raise RuntimeError(f"no CSRF token in the login page ({page.status_code})")
        guesses = iter(range(1, 1 << 16))

        def guess() -> str:
            n = next(guesses)
            form = {
                "csrf_token": found[1],
                "email": f"doan-{index}-{n}@example.vn",
                "password": f"sai-mat-khau-{n}",
            }
            address = f"10.{index}.{n >> 8}.{n & 255}"
            reply = session.post(
                f"{target.url}/login",
                data=form,
                headers={"X-Forwarded-For": address},
                allow_redirects=False,
                timeout=30,
            )
            return str(reply.status_code)

        return guess

    try:
        return crowd(target.crowd, arm, ready, stop)
    finally:
        for session in sessions:
            session.close()


def half_sent(target: Target, ready: threading.Event, stop: threading.Event) -> Counter[str]:
    """Connections that sent the start of a request's headers and nothing more; any the server
    closes (after its read timeout) is opened again, so that as many are always held."""
    tally: Counter[str] = Counter()

    def hang() -> socket.socket:
        connection = socket.create_connection((HOST, target.port), timeout=30)
        connection.sendall(PARTIAL_REQUEST)
        tally["opened"] += 1
        return connection

    held = [hang() for _ in range(target.crowd)]
    ready.set()
    try:
        while not stop.is_set():
            # Readable means closed by the server (or an answer before closing it).
            closed, _, _ = select.select(held, [], [], 0.2)
            for connection in closed:
                connection.close()
                held[held.index(connection)] = hang()
                tally["closed by the server"] += 1
    finally:
        for connection in held:
            connection.close()
    return tally


def phones(target: Target, ready: threading.Event, stop: threading.Event) -> Counter[str]:
    """Phones reloading an exhibit's page as fast as they can, each with its own browser."""
    sessions: list[requests.Session] = []

    def arm(index: int) -> Callable[[], str]:
        session = http_session()
        session.headers["User-Agent"] = (
            f"Mozilla/5.0 (Linux; Android 13; Phone {index}) Mobile Safari/537.36"
        )
        sessions.append(session)
        page = f"{target.url}/E/{target.exhibit}"

        def reload() -> str:
            return str(session.get(page, timeout=30).status_code)

        return reload

    try:
        return crowd(target.crowd, arm, ready, stop)
    finally:
        for session in sessions:
            session.close()


def socket_flood(target: Target, ready: threading.Event, stop: threading.Event) -> Counter[str]:
    """One client on ``/display`` sending ``refresh`` as fast as it can; a second thread reads
    what comes back (answering Engine.IO's pings, counting the snapshots)."""
    received: Counter[str] = Counter()
    screens: list[websocket.WebSocket] = []
    refresh = f"42{NAMESPACE},{json.dumps(['refresh', {'event': target.slug}])}"

    def read(screen: websocket.WebSocket) -> None:
        try:
            while frame := screen.recv():
                if frame == "2":  # Engine.IO's ping
                    screen.send("3")
                elif '"standings"' in frame[:40]:
                    received["snapshots received"] += 1
        except (OSError, websocket.WebSocketException):
            pass  # closed at the end

    def arm(_index: int) -> Callable[[], str]:
        screen = websocket.create_connection(
            f"ws://{HOST}:{target.port}/socket.io/?EIO=4&transport=websocket",
            timeout=30,
            http_no_proxy=[HOST],
        )
        screens.append(screen)
        if not screen.recv().startswith("0"):
            raise RuntimeError("no Engine.IO handshake")
        screen.send(f"40{NAMESPACE},{json.dumps({'event': target.slug, 'screen': 'flood'})}")
        threading.Thread(target=read, args=(screen,), daemon=True).start()

        def send() -> str:
            screen.send(refresh)
            return "refresh sent"

        return send

    try:
        return crowd(1, arm, ready, stop) + received
    finally:
        for screen in screens:
            screen.close()


def attack_process(situation: str, target: Target, stop: Connection, news: Connection) -> None:
    """The body of an attack's process: say ``ready`` once the attack is at its full flow, run
    it until the parent closes ``stop``, then send back what it did and for how long (from the
    moment it was at its full flow), or why it failed.

    Pipes rather than process-shared events: a process that ends while waiting on one of those
    leaves it unusable, and the parent's ``set()`` then waits forever."""
    armed, stopping = threading.Event(), threading.Event()
    released: list[float] = []

    def relay() -> None:
        armed.wait()
        released.append(time.perf_counter())
        news.send("ready")
        with suppress(EOFError):
            stop.recv()
        stopping.set()

    threading.Thread(target=relay, daemon=True).start()
    try:
        attack = SITUATIONS[situation].attack
        assert attack is not None
        tally = attack(target, armed, stopping)
        news.send((dict(tally), time.perf_counter() - released[0], None))
    except Exception as error:
        news.send(({}, 0.0, f"{type(error).__name__}: {error}"))


# --- the judge -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """The judge's draft that every situation saves again."""

    token: str
    entry: int
    id: str


def judge_sheet(url: str, demo: Demo) -> Sheet:
    """A draft of the first judge's for an entry the judge is not recused from."""
    token = demo.tokens[0]
    with http_session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        for entry in demo.entries:
            body = {**sheet_body(entry, demo.criteria, random.Random(entry)), "submit": False}
            reply, _, _ = timed_post(session, f"{url}{SHEETS_PATH}", body)
            if reply.status_code == 201:
                return Sheet(token, entry, body["id"])
    raise RuntimeError("the demo's first judge is recused from every entry")


class Tablet:
    """The judge's tablet: saves the draft again, each save on a kept-alive session of the
    thread that sends it, with a thread for every save that may be in flight at once, so that
    none waits for another's answer."""

    def __init__(self, url: str, demo: Demo, sheet: Sheet, args: argparse.Namespace) -> None:
        self.url = f"{url}{SHEETS_PATH}"
        self.demo = demo
        self.sheet = sheet
        self.args = args
        self.local = threading.local()
        self.sessions: list[requests.Session] = []
        self.pool = ThreadPoolExecutor(
            min(args.requests, math.ceil(args.timeout / args.interval) + 2)
        )

    def __enter__(self) -> Tablet:
        return self

    def __exit__(self, *_: object) -> None:
        self.pool.shutdown(wait=True)
        for session in self.sessions:
            session.close()

    def save(self, number: int) -> tuple[str, float]:
        """One save: ``ok`` and how long its answer took (ms), ``failed`` or ``timed out``."""
        session: requests.Session | None = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = http_session()
            session.headers["Authorization"] = f"Bearer {self.sheet.token}"
            self.sessions.append(session)
        body = {
            **sheet_body(self.sheet.entry, self.demo.criteria, random.Random(number)),
            "id": self.sheet.id,
            "submit": False,
            "comment": f"Lần lưu {number}",
        }
        try:
            reply, _, answered = timed_post(session, self.url, body, self.args.timeout)
        except requests.Timeout:
            return "timed out", math.nan
        except requests.RequestException:
            return "failed", math.nan
        return ("ok" if reply.status_code == 200 else "failed"), answered

    def warm_up(self) -> None:
        """Two saves, not counted, before the attack: a session is open and the server warm."""
        for number in range(2):
            if self.pool.submit(self.save, number).result()[0] != "ok":
                raise RuntimeError("the judge's first saves failed")

    def saves(self, situation: Situation) -> Measured:
        """``--requests`` saves, one every ``--interval`` seconds whether or not the previous
        ones were answered: a server that stalls shows as every save sent meanwhile timing
        out, not as one slow sample."""
        measured = Measured(situation)
        origin = time.perf_counter()
        sent = []
        for number in range(self.args.requests):
            time.sleep(max(0.0, origin + number * self.args.interval - time.perf_counter()))
            sent.append(self.pool.submit(self.save, number))
        for done in sent:
            outcome, answered = done.result()
            if outcome == "ok":
                measured.samples.append(answered)
            elif outcome == "timed out":
                measured.timed_out += 1
            else:
                measured.failed += 1
        return measured


# --- the run -------------------------------------------------------------------------------


def measure(
    situation: Situation, target: Target, demo: Demo, sheet: Sheet, args: argparse.Namespace
) -> Measured:
    """The judge's saves while the situation's attack runs in a process of its own."""
    with Tablet(target.url, demo, sheet, args) as tablet:
        tablet.warm_up()
        if situation.attack is None:
            return tablet.saves(situation)
        context = multiprocessing.get_context("spawn")
        stop_reader, stop = context.Pipe(duplex=False)
        news, news_writer = context.Pipe(duplex=False)
        process = context.Process(
            target=attack_process,
            args=(situation.key, target, stop_reader, news_writer),
            daemon=True,
        )
        process.start()
        # The child has its own copies of its ends: with the parent's closed, either side sees
        # the other's end.
        stop_reader.close()
        news_writer.close()
        # What the attack did, how long it ran, and why it failed if it did: sent once it
        # stops, or as soon as it fails.
        outcome: tuple[dict[str, int], float, str | None] | None = None
        measured = Measured(situation)
        try:
            if not news.poll(ARM_TIMEOUT):
                raise RuntimeError(f"{situation.title}: the attack did not start")
            first = news.recv()
            if first == "ready":
                time.sleep(args.ramp)
                measured = tablet.saves(situation)
            else:  # it failed before its full flow
                outcome = first
        finally:
            stop.close()
            try:
                if outcome is None and news.poll(STOP_TIMEOUT):
                    outcome = news.recv()
            except EOFError:
                pass  # the process ended without a word: see below
            finally:
                news.close()
                process.join(timeout=STOP_TIMEOUT)
                if process.is_alive():
                    process.kill()
                    process.join()
    if outcome is None:
        raise RuntimeError(f"{situation.title}: the attack ended without a report")
    tally, seconds, error = outcome
    if error:
        raise RuntimeError(f"{situation.title}: the attack failed: {error}")
    measured.crowd = target.crowd
    measured.attack = Counter(tally)
    measured.seconds = seconds
    measured.recovered = answering_again(target.url, args.recovery)
    time.sleep(args.settle)  # let the server finish what the attack left in its queues
    return measured


def answering_again(url: str, within: float) -> float:
    """Seconds until the server answers ``GET /healthz`` (nan if not within ``within``)."""
    began = time.perf_counter()
    with http_session() as session:
        while (left := began + within - time.perf_counter()) > 0:
            try:
                session.get(f"{url}/healthz", timeout=left).raise_for_status()
                return time.perf_counter() - began
            except requests.RequestException:
                time.sleep(min(0.1, max(0.0, began + within - time.perf_counter())))
    return math.nan


def exhibit_token(env: dict[str, str]) -> str:
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        found = connection.execute("SELECT qr_token FROM exhibit ORDER BY id LIMIT 1").fetchone()
    if found is None:
        raise RuntimeError("the demo has no exhibit")
    return str(found[0])


def on_one_server(
    situations: list[Situation], folder: Path, args: argparse.Namespace, **settings: str
) -> list[Measured]:
    """A fresh demo and server (with ``settings`` in its environment); quiet first, then the
    situations, one after the other."""
    env = instance_env(folder, **settings)
    demo = seed_demo(env)
    exhibit = exhibit_token(env)
    results: list[Measured] = []
    with serving(env) as port:
        url = f"http://{HOST}:{port}"
        sheet = judge_sheet(url, demo)
        for situation in [SITUATIONS["quiet"], *situations]:
            target = Target(url, port, demo.slug, exhibit, situation.crowd(args))
            results.append(measure(situation, target, demo, sheet, args))
            print(f"  {situation.title}: done", flush=True)
    return results


def title(measured: Measured) -> str:
    if measured.situation.attack is None:
        return measured.situation.title
    return f"{measured.crowd} {measured.situation.title}"


def attack_line(measured: Measured, recovery: float) -> str:
    """What the attack did: the count of each answer (an HTTP status) or of each thing it sent
    and got, over how long and how many a second; then how soon the server answered again."""
    counts = ", ".join(f"{what}: {n:,}" for what, n in measured.attack.most_common())
    line = f"{counts}; for {measured.seconds:.1f} s"
    if measured.situation.key != "half-sent":  # what was held, not a flow
        line += f", {sum(measured.attack.values()) / measured.seconds:,.0f} a second"
    if math.isnan(measured.recovered):
        return f"{line}; no answer to GET /healthz within {recovery:.0f} s after it stopped"
    return f"{line}; GET /healthz answered {measured.recovered:.2f} s after it stopped"


def report(groups: list[tuple[str, list[Measured]]], recovery: float) -> None:
    names = "".join(f"{'max' if p == 100 else 'p' + str(p):>9}" for p in RANKS)
    print(f"\n{'situation':36}{'ok':>5}{'failed':>8}{'timeout':>8}{names} (ms){'p50/quiet':>11}")
    for server, rows in groups:
        print(f"-- server {server}")
        quiet = percentiles(rows[0].samples, RANKS)[0]
        for measured in rows:
            if measured.samples:
                figures = percentiles(measured.samples, RANKS)
                shown = "".join(f"{value:9.1f}" for value in figures)
                ratio = f"{figures[0] / quiet:10.1f}x"
            else:
                shown, ratio = f"{'-':>9}" * len(RANKS), f"{'-':>11}"
            print(
                f"{title(measured):36}{len(measured.samples):5d}{measured.failed:8d}"
                f"{measured.timed_out:8d}{shown}     {ratio}"
            )
    print("\nwhat each attack did:")
    for _, rows in groups:
        for measured in rows[1:]:
            print(f"  {title(measured)}: {attack_line(measured, recovery)}")


SITUATIONS = {
    situation.key: situation
    for situation in (
        Situation("quiet", "quiet (baseline)", None, lambda args: 0),
        Situation(
            "guessers",
            "login guessers",
            guessers,
            lambda args: args.guessers,
            proxied=True,
        ),
        Situation("half-sent", "half-sent requests held open", half_sent, lambda args: args.held),
        Situation("phones", "phones reloading /E/<token>", phones, lambda args: args.phones),
        Situation("sockets", "socket client flooding refresh", socket_flood, lambda args: 1),
    )
}


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def run(args: argparse.Namespace) -> None:
    # In the order of SITUATIONS: the socket flood last, for the server is still busy long after.
    chosen = [situation for key, situation in SITUATIONS.items() if key in args.only]
    print(
        f"a judge's draft saved {args.requests} times a situation, one every {args.interval} s "
        f"answered or not, timeout {args.timeout} s; attacks at full flow for {args.ramp} s "
        f"first; {args.guessers} guessers, {args.held} half-sent requests, {args.phones} phones, "
        f"1 socket client; load average (1, 5, 15 min) {load()} at the start",
        flush=True,
    )
    groups: list[tuple[str, list[Measured]]] = []
    with tempfile.TemporaryDirectory(prefix="sangtao-hostile-") as folder:
        if proxied := [situation for situation in chosen if situation.proxied]:
            print("server with TRUST_PROXY=1:", flush=True)
            results = on_one_server(proxied, Path(folder) / "proxied", args, **PROXIED)
            groups.append(("TRUST_PROXY=1 (X-Forwarded-For believed)", results))
        if direct := [situation for situation in chosen if not situation.proxied]:
            print("server as at a venue (no TRUST_PROXY):", flush=True)
            results = on_one_server(direct, Path(folder) / "venue", args)
            groups.append(("as at a venue, no TRUST_PROXY", results))
    report(groups, args.recovery)
    # Other processes on the machine take cores from the server: the figures say little then.
    print(f"\nload average (1, 5, 15 min) {load()} at the end")
    if proxied:
        print(
            "\nThe login guessers ran against a server with TRUST_PROXY=1, each guess with an "
            "X-Forwarded-For address and\nan unknown e-mail of its own, so that neither login "
            "limit refuses it (a 429 above would say otherwise)\nand each costs the server one "
            "scrypt hash, as a wrong password does. Without that, the limits (10 per\naddress "
            "per 15 minutes, 20 per account per hour) would answer nearly every guess with a 429, "
            "which costs\nno hash."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--requests", type=int, default=50, help="judge's saves per situation"
    )
    parser.add_argument(
        "-i", "--interval", type=float, default=0.1, help="seconds between the judge's saves"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds before a save counts as timed out"
    )
    parser.add_argument(
        "--ramp", type=float, default=1.0, help="seconds of full attack before measuring"
    )
    parser.add_argument(
        "--settle", type=float, default=1.0, help="seconds of rest after each attack"
    )
    parser.add_argument(
        "--recovery",
        type=float,
        default=15.0,
        help="seconds to wait, after each attack, for the server to answer again",
    )
    parser.add_argument("--guessers", type=int, default=10, help="login guessers at once")
    parser.add_argument("--held", type=int, default=300, help="half-sent requests held open")
    parser.add_argument("--phones", type=int, default=20, help="phones reloading a page")
    keys = [key for key in SITUATIONS if key != "quiet"]
    parser.add_argument(
        "--only",
        nargs="+",
        choices=keys,
        default=keys,
        help="situations to run (the quiet baseline always runs on each server)",
    )
    args = parser.parse_args()
    if args.requests < 1 or min(args.interval, args.timeout, args.recovery) <= 0 or args.ramp < 0:
        parser.error("--requests must be at least 1; --interval, --timeout, --recovery positive")
    if min(args.guessers, args.held, args.phones) < 1:
        parser.error("--guessers, --held and --phones must be at least 1")
    run(args)


if __name__ == "__main__":
    main()
