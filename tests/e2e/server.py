"""The real server in a subprocess, and the headless Chromium settings: for the end-to-end
tests and the screenshots of the documentation."""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

SANGTAO = str(Path(sys.executable).with_name("sangtao"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``sangtao seed-demo``, then ``sangtao serve`` in a folder of its own, as in the README.

    ``settings`` are more environment variables for both commands (``SANGTAO_READ_TIMEOUT``...).
    """

    def __init__(self, folder: Path, **settings: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = f"sqlite:///{folder / 'sangtao.db'}"
        self.env = os.environ | {
            "SANGTAO_INSTANCE": str(folder),
            "DATABASE_URL": self.database_url,
            "PUBLIC_URL": self.url,
            **settings,
        }
        self.env.pop("SOCKETIO_ASYNC_MODE", None)
        self.process: subprocess.Popen[bytes] | None = None

    def seed(self) -> dict[str, Any]:
        seeded = subprocess.run(
            [SANGTAO, "seed-demo", "--json"],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return dict(json.loads(seeded.stdout))

    @property
    def log(self) -> str:
        """What the server printed so far: its access log and its errors."""
        return (self.folder / "server.log").read_text(errors="replace")

    def start(self, open_files: int | None = None) -> None:
        """Start ``sangtao serve``; ``open_files`` caps its file descriptors (soft and hard
        limits), as a laptop's small default limit would."""

        def limit_files() -> None:
            if open_files is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

        log = (self.folder / "server.log").open("a")
        self.process = subprocess.Popen(
            [SANGTAO, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_files,
        )
        log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    raise RuntimeError((self.folder / "server.log").read_text()) from None
                time.sleep(0.2)

    def kill(self) -> None:
        """As a crash would: no clean shutdown."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
