"""The visitor's page under load beside a bare route of the same server, and 2,000 ballots voting
within a minute with no vote lost or doubled.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/visitors.py                     # 8 clients, 10 s a route; 2,000 ballots
    .venv/bin/python bench/visitors.py --clients 16 --seconds 20 --ballots 3000 --window 60

What it does, all on 127.0.0.1 (about 100 s):

* seeds a demo event (``sangtao seed-demo --json``) in a temporary instance folder and starts the
  production server (``sangtao serve``: gevent, one process);
* **pages**: ``--clients`` processes (each a phone with its own kept-alive connection and
  cookies, as a browser keeps them) fetch a route back to back for ``--seconds``: first the bare
  route ``GET /healthz`` (a Flask view returning a small JSON, no database, no template), then
  an exhibit's visitor page ``GET /E/<token>`` (the poster's QR address: the exhibit read from
  the database, the page drawn, the visit counted), then the bare route again, so that a drift
  of the machine's load shows. It prints requests per second, p50 and p99 in milliseconds, and
  the visitor page's rate as a share of the bare route's (the goal: at least 50%);
* **votes**: the organiser logs in and opens the window over HTTP; ``sangtao issue-ballots
  <event> <count> --json`` issues the ballots; each ballot starts on schedule, evenly spread over
  ``--window`` seconds whether or not the earlier ones were answered (a room of phones does not
  wait), and does what a phone does: opens its link, opens the confirm screen of an exhibit
  picked at random, posts the vote. Every ``--double``-th ballot posts its vote twice at once
  from two threads, as a double tap or two phones sharing a badge would: one must be accepted
  (302), the other refused as used (409). Then the window is closed and the count released, and
  the count is checked three ways: the client's tally of accepted votes per exhibit, the vote
  table (one row per ballot, never two), and the total of the released CSV export.

It never asserts on timings; a lost or doubled vote ends it with an error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import multiprocessing
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
from harness import HOST, ROOT, http_session, instance_env, percentiles, serving

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
RANKS = (50, 99)
TIMEOUT = 30.0  # seconds before one request counts as failed
PHONE = "Mozilla/5.0 (Linux; Android 13; Phone {n}) AppleWebKit/537.36 Mobile Safari/537.36"


@dataclass(frozen=True)
class Rate:
    """One route under load: answers per second, latencies, and anything but a 200."""

    route: str
    answered: int
    seconds: float
    samples: list[float]
    failed: Counter[str]

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else math.nan


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


# --- the pages ----------------------------------------------------------------------------


def phone(url: str, index: int, start_at: float, until: float) -> tuple[list[float], Counter[str]]:
    """One phone fetching ``url`` back to back between ``start_at`` and ``until``
    (``time.time()``, shared by the processes): the latencies of the 200s (ms), and the rest."""
    samples: list[float] = []
    failed: Counter[str] = Counter()
    with http_session() as session:
        session.headers["User-Agent"] = PHONE.format(n=index)
        session.get(url, timeout=TIMEOUT)  # the connection opened, the cookie set
        time.sleep(max(0.0, start_at - time.time()))
        while time.time() < until:
            t0 = time.perf_counter()
            try:
                reply = session.get(url, timeout=TIMEOUT)
            except requests.RequestException as error:
                failed[type(error).__name__] += 1
                continue
            if reply.status_code == 200:
                samples.append((time.perf_counter() - t0) * 1000)
            else:
                failed[str(reply.status_code)] += 1
    return samples, failed


def hammer(pool: multiprocessing.pool.Pool, url: str, route: str, args: argparse.Namespace) -> Rate:
    start_at = time.time() + 2.0  # every process connected before the clock starts
    until = start_at + args.seconds
    jobs = [(url, index, start_at, until) for index in range(args.clients)]
    results = pool.starmap(phone, jobs)
    samples = [sample for got, _ in results for sample in got]
    failed = sum((bad for _, bad in results), Counter())
    return Rate(route, len(samples), args.seconds, samples, failed)


# --- the votes ----------------------------------------------------------------------------


def organiser_session(url: str, demo: dict[str, object]) -> requests.Session:
    session = http_session()
    form = CSRF_FIELD.search(session.get(f"{url}/login", timeout=TIMEOUT).text)
    if form is None:
        raise RuntimeError("no CSRF token on the login page")
    organiser = demo["organiser"]
    assert isinstance(organiser, dict)
    reply = session.post(
        f"{url}/login",
        data={"csrf_token": form[1], **organiser},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    if reply.status_code != 302:
        raise RuntimeError(f"the organiser could not log in ({reply.status_code})")
    return session


def organiser_post(session: requests.Session, url: str, slug: str, action: str) -> None:
    """``/manage/<slug>/votes/<action>`` with the page's CSRF token, as the button posts it."""
    page = session.get(f"{url}/manage/{slug}/votes", timeout=TIMEOUT)
    form = CSRF_FIELD.search(page.text)
    if form is None:
        raise RuntimeError(f"no CSRF token on the votes page ({page.status_code})")
    reply = session.post(
        f"{url}/manage/{slug}/votes/{action}",
        data={"csrf_token": form[1]},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    if reply.status_code != 302:
        raise RuntimeError(f"{action}: {reply.status_code}")


def issue(env: dict[str, str], slug: str, count: int) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "core", "issue-ballots", slug, str(count), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [row["token"] for row in json.loads(done.stdout)["ballots"]]


@dataclass
class Tally:
    """What the phones saw, shared by the voting threads."""

    lock: threading.Lock
    accepted: Counter[int]  # exhibit id -> votes answered 302
    refused: Counter[str]  # status of the second post of a doubled vote
    wrong: list[str]  # anything a phone should never see
    vote_ms: list[float]
    ballot_s: list[float]  # from the ballot's scheduled start to its vote answered
    late: float = 0.0  # the latest answer, seconds after the first ballot's start


LINK = re.compile(r'href="/b/([0-9A-Za-z]+)/exhibits/(\d+)"')


def cast(url: str, token: str, doubled: bool, scheduled: float, tally: Tally) -> None:
    """One phone: the ballot's link, the confirm screen of a random exhibit, the vote (posted
    twice at once when ``doubled``)."""
    with http_session() as session:
        session.headers["User-Agent"] = PHONE.format(n=token)
        page = session.get(f"{url}/B/{token}", timeout=TIMEOUT)
        choices = [int(found[2]) for found in LINK.finditer(page.text)]
        if page.status_code != 200 or not choices:
            with tally.lock:
                tally.wrong.append(f"{token}: ballot page {page.status_code}")
            return
        exhibit = random.choice(choices)
        target = f"{url}/b/{token}/exhibits/{exhibit}"
        confirm = session.get(target, timeout=TIMEOUT)
        answers: list[tuple[int, float]] = []

        def post() -> None:
            t0 = time.perf_counter()
            reply = http_session().post(target, allow_redirects=False, timeout=TIMEOUT)
            answers.append((reply.status_code, (time.perf_counter() - t0) * 1000))

        posts = [threading.Thread(target=post) for _ in range(2 if doubled else 1)]
        for thread in posts:
            thread.start()
        for thread in posts:
            thread.join()
    statuses = sorted(status for status, _ in answers)
    expected = [302, 409] if doubled else [302]
    with tally.lock:
        if confirm.status_code != 200 or statuses != expected:
            tally.wrong.append(f"{token}: confirm {confirm.status_code}, votes {statuses}")
        if 302 in statuses:
            tally.accepted[exhibit] += 1
        if doubled:
            tally.refused[",".join(map(str, statuses))] += 1
        tally.vote_ms.extend(ms for _, ms in answers)
        tally.ballot_s.append(time.perf_counter() - scheduled)
        tally.late = max(tally.late, time.perf_counter())


def vote_rows(env: dict[str, str]) -> tuple[int, int, Counter[int]]:
    """From the server's SQLite file: votes, distinct ballots that voted, votes per exhibit."""
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows, ballots = connection.execute(
            "SELECT count(*), count(DISTINCT ballot_id) FROM vote"
        ).fetchone()
        per = connection.execute("SELECT exhibit_id, count(*) FROM vote GROUP BY exhibit_id")
        return int(rows), int(ballots), Counter({int(e): int(n) for e, n in per})


def released_total(session: requests.Session, url: str, slug: str) -> int:
    reply = session.get(f"{url}/manage/{slug}/votes/result.csv", timeout=TIMEOUT)
    reply.raise_for_status()
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    return sum(int(row[-1].replace(".", "")) for row in rows[1:])


def votes(url: str, env: dict[str, str], demo: dict[str, object], args: argparse.Namespace) -> None:
    slug = str(demo["event"])
    organiser = organiser_session(url, demo)
    organiser_post(organiser, url, slug, "open")
    tokens = issue(env, slug, args.ballots)
    tally = Tally(threading.Lock(), Counter(), Counter(), [], [], [])
    spacing = args.window / args.ballots
    print(
        f"\nvotes: {args.ballots} ballots started evenly over {args.window} s "
        f"(one every {spacing * 1000:.0f} ms), every {args.double}th posting its vote twice at "
        f"once; load average {load()}",
        flush=True,
    )
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        for number, token in enumerate(tokens):
            scheduled = began + number * spacing
            time.sleep(max(0.0, scheduled - time.perf_counter()))
            pool.submit(cast, url, token, number % args.double == 0, scheduled, tally)
    finished = tally.late - began
    organiser_post(organiser, url, slug, "close")
    organiser_post(organiser, url, slug, "release")
    rows, ballots, per_exhibit = vote_rows(env)
    total = released_total(organiser, url, slug)
    organiser.close()

    p50, p99 = percentiles(tally.vote_ms, RANKS)
    b50, b99 = percentiles(tally.ballot_s, RANKS)
    doubled = sum(tally.refused.values())
    print(f"  last vote answered {finished:.1f} s after the first ballot started")
    print(f"  vote POST: p50 {p50:.0f} ms, p99 {p99:.0f} ms ({len(tally.vote_ms)} posts)")
    print(f"  a ballot, link to vote answered (3 requests): p50 {b50:.2f} s, p99 {b99:.2f} s")
    print(f"  doubled votes: {doubled}, answered {dict(tally.refused)}")
    accepted = sum(tally.accepted.values())
    print(
        f"  accepted by the phones {accepted}; vote rows {rows} for {ballots} distinct ballots; "
        f"released CSV total {total}; per exhibit equal: {per_exhibit == tally.accepted}"
    )
    problems = tally.wrong[:10]
    if not accepted == rows == ballots == total == args.ballots or per_exhibit != tally.accepted:
        problems.append("the count does not match: a vote lost or doubled")
    if problems:
        raise SystemExit("\n".join(["FAILED:", *problems]))
    print("  no vote lost, none doubled")


# --- the run ------------------------------------------------------------------------------


def exhibit_token(env: dict[str, str]) -> str:
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        found = connection.execute("SELECT qr_token FROM exhibit ORDER BY id LIMIT 1").fetchone()
    if found is None:
        raise RuntimeError("the demo has no exhibit")
    return str(found[0])


def line(rate: Rate) -> str:
    p50, p99 = percentiles(rate.samples, RANKS)
    bad = f", not 200: {dict(rate.failed)}" if rate.failed else ""
    return (
        f"  {rate.route:<28} {rate.per_second:8.0f} req/s   p50 {p50:6.1f} ms   "
        f"p99 {p99:6.1f} ms{bad}"
    )


def run(args: argparse.Namespace) -> None:
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average (1, 5, 15 min) "
        f"{load()} at the start",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="sangtao-visitors-") as folder:
        env = instance_env(Path(folder))
        seeded = subprocess.run(
            [sys.executable, "-m", "core", "seed-demo", "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        demo = json.loads(seeded.stdout)
        exhibit = exhibit_token(env)
        with serving(env) as port, multiprocessing.Pool(args.clients) as pool:
            url = f"http://{HOST}:{port}"
            print(
                f"pages: {args.clients} phones back to back, {args.seconds} s a route", flush=True
            )
            rates = [
                hammer(pool, f"{url}/healthz", "bare GET /healthz", args),
                hammer(pool, f"{url}/E/{exhibit}", "visitor page GET /E/<token>", args),
                hammer(pool, f"{url}/healthz", "bare GET /healthz, again", args),
            ]
            for rate in rates:
                print(line(rate))
            bare = (rates[0].per_second + rates[2].per_second) / 2
            share = rates[1].per_second / bare
            print(f"  visitor page: {share:.0%} of the bare route's rate (goal: at least 50%)")
            votes(url, env, demo, args)
    print(f"\nload average (1, 5, 15 min) {load()} at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="phones loading a page at once")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per route")
    parser.add_argument("--ballots", type=int, default=2000, help="ballots that vote")
    parser.add_argument("--window", type=float, default=60.0, help="seconds to start them in")
    parser.add_argument("--double", type=int, default=10, help="every n-th ballot posts twice")
    parser.add_argument("--threads", type=int, default=64, help="phones voting at once, at most")
    args = parser.parse_args()
    if min(args.clients, args.ballots, args.double, args.threads) < 1:
        parser.error("--clients, --ballots, --double and --threads must be at least 1")
    if min(args.seconds, args.window) <= 0:
        parser.error("--seconds and --window must be positive")
    run(args)


if __name__ == "__main__":
    main()
