"""What the benchmarks against the real server share: a demo event seeded and ``sangtao serve``
started in a temporary instance folder on 127.0.0.1, a judge's timed POST, and percentiles.

The server runs as ``python -m core serve``, the entry point of the ``sangtao`` script.
"""

from __future__ import annotations

import json
import math
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30.0  # seconds for the server to answer
REQUEST_TIMEOUT = 30.0  # seconds for one POST
SHEETS_PATH = "/api/v1/scoresheets"


@dataclass(frozen=True)
class Demo:
    slug: str
    tokens: list[str]
    entries: list[int]
    criteria: dict[str, int]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def http_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # never through a proxy from the environment: 127.0.0.1 only
    return session


def instance_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of ``seed-demo`` and ``serve`` for a temporary instance folder:
    its own SQLite file, the server's own async mode, and ``settings`` on top."""
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("SOCKETIO_")},
        "SANGTAO_INSTANCE": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'bench.db'}",
        **settings,
    }


def seed_demo(env: dict[str, str]) -> Demo:
    done = subprocess.run(
        [sys.executable, "-m", "core", "seed-demo", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seeded = json.loads(done.stdout)
    return Demo(
        slug=seeded["event"],
        tokens=[judge["token"] for judge in seeded["judges"]],
        entries=[entry["id"] for entry in seeded["entries"]],
        criteria={criterion["key"]: criterion["max"] for criterion in seeded["criteria"]},
    )


def start(
    command: list[str], env: dict[str, str], log: Path, probe: str
) -> subprocess.Popen[bytes]:
    """Start a server, its output going to ``log``, and wait until ``probe`` answers 200."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with http_session() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                if session.get(probe, timeout=1).status_code == 200:
                    return process
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
    stop(process)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"{command[:4]} did not answer {probe}:\n{tail}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def serving(env: dict[str, str], port: int = 0) -> Iterator[int]:
    """``sangtao serve`` on a port of 127.0.0.1 (a free one unless given), for the instance
    folder of ``env``; yields the port, and stops the server however the block ends.

    The temporary folder goes with the run: if the block fails, the end of the server's log is
    printed first.
    """
    port = port or free_port()
    log = Path(env["SANGTAO_INSTANCE"]) / "server.log"
    command = [sys.executable, "-m", "core", "serve", "--host", HOST, "--port", str(port)]
    server = start(command, env, log, f"http://{HOST}:{port}/healthz")
    try:
        yield port
    except Exception:
        tail = log.read_text(errors="replace")[-4000:]
        print(f"--- end of the server log ---\n{tail}", file=sys.stderr)
        raise
    finally:
        stop(server)


def sheet_body(entry_id: int, criteria: dict[str, int], rng: random.Random) -> dict[str, Any]:
    """A submitted sheet: every criterion scored at random, 0..max in steps of 0.5."""
    return {
        "id": str(uuid.uuid4()),
        "entry": entry_id,
        "scores": {key: rng.randint(0, 2 * top) / 2 for key, top in criteria.items()},
        "comment": "",
        "submit": True,
    }


def timed_post(
    session: requests.Session, url: str, body: dict[str, Any], timeout: float = REQUEST_TIMEOUT
) -> tuple[requests.Response, float, float]:
    """POST ``body`` as JSON: the answer, when the request left (``perf_counter``), and how long
    its answer took (ms). A timeout or a broken connection raises, as ``requests`` does."""
    t0 = time.perf_counter()
    reply = session.post(url, json=body, timeout=timeout)
    return reply, t0, (time.perf_counter() - t0) * 1000


def percentiles(samples: list[float], ranks: tuple[int, ...]) -> list[float]:
    """Nearest-rank percentiles: the smallest sample with at least p% of them at or below it
    (p = 100 is the largest)."""
    ordered = sorted(samples)
    if not ordered:
        return [math.nan for _ in ranks]
    return [ordered[math.ceil(p / 100 * len(ordered)) - 1] for p in ranks]
