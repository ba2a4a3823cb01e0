"""``sangtao``: serve the day, seed a demo event, create organisers, upgrade the database."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from core import db
from core.app import create_app
from core.i18n import nfc
from core.links import external_url, is_guessed, public_url
from core.models import Organiser


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """Sáng tạo Live: Ngày hội Lao động sáng tạo."""


@click.command("upgrade-db")
@with_appcontext
def upgrade_db() -> None:
    """Bring the database schema up to date (serve and seed-demo also do this on their own)."""
    db.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("serve")
@with_appcontext
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the production server (gevent, with websockets) on HOST:PORT."""
    from gevent import monkey

    from core.server import run

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["SOCKETIO_ASYNC_MODE"] != "gevent" or not monkey.is_module_patched("socket"):
        raise click.ClickException(
            "serve runs on gevent: start it as `sangtao serve` with SOCKETIO_ASYNC_MODE unset"
        )
    db.upgrade(app.config["DATABASE_URL"])
    with app.test_request_context(base_url=f"http://127.0.0.1:{port}"):
        address = public_url()
        note = " (guessed: set PUBLIC_URL if phones cannot reach it)" if is_guessed() else ""
    click.echo(f"Sáng tạo Live on http://{host}:{port}; phones and tablets use {address}{note}")
    run(app, host, port)


@click.command("seed-demo")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--port", default=8000, show_default=True, help="The port `serve` will use.")
def seed_demo(as_json: bool, port: int) -> None:
    """Create a realistic Vietnamese demo event and print how to open it."""
    from core.demo import seed

    db.upgrade(current_app.config["DATABASE_URL"])
    with db.new_session(write=True) as session:
        created = seed(session)
        session.commit()
        # Links are built as if asked on this laptop: PUBLIC_URL, else the LAN address and port.
        with current_app.test_request_context(base_url=f"http://localhost:{port}"):
            result = created.describe(external_url)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(f"Sự kiện / event: {result['event']}")
    click.echo(f"Ban Tổ chức / organisers: {result['organiser_url']}")
    click.echo(f"  email: {result['organiser']['email']}")
    click.echo(f"  mật khẩu / password: {result['organiser']['password']}")
    click.echo(f"Màn hình lớn / big screen: {result['display_url']}")
    click.echo("Giám khảo / judges:")
    for judge in result["judges"]:
        click.echo(f"  {judge['name']}: {judge['login_url']}")


@click.command("create-organiser")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option(envvar="SANGTAO_ORGANISER_PASSWORD")
def create_organiser(email: str, name: str, password: str) -> None:
    """Create an organiser (Ban Tổ chức) account, or reset its password."""
    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="password")
    db.upgrade(current_app.config["DATABASE_URL"])
    email = nfc(email).strip().lower()
    with db.new_session(write=True) as session:
        organiser = session.scalar(select(Organiser).where(Organiser.email == email))
        if organiser is None:
            organiser = Organiser(email=email, name=nfc(name).strip())
            session.add(organiser)
        organiser.set_password(password)
        session.commit()
    click.echo(f"organiser {email} is ready", file=sys.stderr)


def init_app(app: Flask) -> None:
    for command in (upgrade_db, serve, seed_demo, create_organiser):
        app.cli.add_command(command)
