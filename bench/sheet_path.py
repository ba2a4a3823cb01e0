"""Where a judge's sheet spends its time inside the server, beside a bare route of the same app.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/sheet_path.py              # the demo's 45 sheets, after a warm-up
    .venv/bin/python bench/sheet_path.py --rounds 3   # three events' sheets

It seeds demo events in a temporary instance folder, makes the app on gevent as ``sangtao serve``
does, and sends every judge's submitted sheet for every entry through Flask's test client, one
after another, each followed by the build it starts and by the bare route. The first event's
sheets warm the app up (SQLAlchemy compiles each statement the first time) and are not counted.
By wrapping them, it times:

* ``POST /api/v1/scoresheets`` as a whole, and of it the judge's token (``judge_by_token``),
  ``save_sheet`` and the commit (which includes the next item);
* the standings the sheet's save makes without reading, and their send (``Publisher._follow``);
* each feed the sheet rebuilds, and the whole build with its sends;
* the baseline: ``GET /healthz`` through the same client.

No network and no client thread: what it shows is the server's own work, which
``bench/latency.py`` measures end to end. It prints medians and p90 in milliseconds and never
asserts on timings.
"""

from __future__ import annotations

if __name__ == "__main__":
    from gevent import monkey

    monkey.patch_all()  # the builds are greenlets, as under ``sangtao serve``

import argparse
import functools
import os
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import SHEETS_PATH, instance_env, percentiles, seed_demo, sheet_body

Timings = defaultdict[str, list[float]]


def timed(timings: Timings, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[name].append((time.perf_counter() - began) * 1000)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--rounds", type=int, default=1, help="events counted")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sangtao-bench-") as folder:
        env = instance_env(Path(folder))
        demos = [seed_demo(env) for _ in range(args.rounds + 1)]
        os.environ.update(env)

        from flask import request

        import scoring.api
        import scoring.auth
        from core import db
        from core.app import create_app
        from core.realtime import publisher

        app = create_app()
        with app.app_context():
            builds = publisher()
        timings: Timings = defaultdict(list)
        scoring.auth.judge_by_token = timed(
            timings, "  the judge's token", scoring.auth.judge_by_token
        )
        scoring.api.save_sheet = timed(timings, "  save_sheet", scoring.api.save_sheet)
        commit, timed_commit = db.commit, timed(timings, "  the commit", db.commit)
        db.commit = lambda: timed_commit() if request.path == SHEETS_PATH else commit()
        for name, build in list(builds.feeds.items()):
            builds.feeds[name] = timed(timings, f"  feed {name}", build)
        builds._build = timed(timings, "the build and its sends", builds._build)  # type: ignore[method-assign]
        builds._follow = timed(timings, "the standings followed, sent", builds._follow)  # type: ignore[method-assign]

        client = app.test_client()
        post = timed(timings, "POST a sheet", client.post)
        bare = timed(timings, "bare: GET /healthz", client.get)
        rng = random.Random(1)
        for number, demo in enumerate(demos):
            if number == 1:
                timings.clear()  # the warm-up's
            for token in demo.tokens:
                for entry in demo.entries:
                    body = sheet_body(entry, demo.criteria, rng)
                    post(SHEETS_PATH, json=body, headers={"Authorization": f"Bearer {token}"})
                    builds.wait_idle()
                    bare("/healthz")

    order = ["POST a sheet", "  the judge's token", "  save_sheet", "  the commit"]
    order += ["the standings followed, sent"]
    order += ["the build and its sends", *sorted(name for name in timings if "feed" in name)]
    order += ["bare: GET /healthz"]
    print(f"{'':34}{'n':>6}{'p50':>10}{'p90':>10}  (ms)")
    for name in order:
        p50, p90 = percentiles(timings[name], (50, 90))
        print(f"{name:34}{len(timings[name]):6d}{p50:10.2f}{p90:10.2f}")


if __name__ == "__main__":
    main()
