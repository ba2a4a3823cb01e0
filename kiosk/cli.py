"""``sangtao issue-ballots <event> <count> [--json]``: new single-use ballots' URLs, for a
script that prints badges or sends links (docs/api.md)."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from core import db
from core.errors import Invalid
from core.links import public_url
from core.models import Event
from kiosk.ballots import issue_ballots
from kiosk.models import BallotChannel
from kiosk.qr import qr_text


@click.command("issue-ballots")
@with_appcontext
@click.argument("event")
@click.argument("count", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {token, url}.")
@click.option("--port", default=8000, show_default=True, help="The port `serve` will use.")
def issue_ballots_command(event: str, count: int, as_json: bool, port: int) -> None:
    """Issue COUNT new ballots (Phiếu bình chọn) of EVENT (its slug) and print their URLs."""
    db.upgrade(current_app.config["DATABASE_URL"])
    with db.unit_of_work(write=True) as session:
        found = session.scalar(select(Event).where(Event.slug == event))
        if found is None:
            raise click.ClickException(f"no event {event!r}")
        try:
            issued = issue_ballots(session, found, count, BallotChannel.BADGE, "cli")
        except Invalid as error:
            raise click.BadParameter(error.message, param_hint="count") from None
        tokens = [ballot.token for ballot in issued]
    # Links as phones will reach them: PUBLIC_URL, else this laptop's LAN address and port.
    with current_app.test_request_context(base_url=f"http://localhost:{port}"):
        urls = [qr_text(public_url(), token, "B") for token in tokens]
    if as_json:
        rows = [{"token": t, "url": u} for t, u in zip(tokens, urls, strict=True)]
        click.echo(json.dumps({"event": event, "ballots": rows}, ensure_ascii=False, indent=2))
        return
    for url in urls:
        click.echo(url)
