"""``sangtao``: serve the day, seed a demo event, create organisers, upgrade the database, back it
up and restore an event."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from core import backup, db
from core.app import create_app
from core.auth import hash_password, save_organiser
from core.errors import Invalid
from core.links import external_url, is_guessed, public_url
from core.models import Event, Organiser
from core.views import MIN_PASSWORD, is_set_up, setup_code


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
    # An app context of its own, popped before the server starts: the command's context lasts as
    # long as the server, and a session left in it would hold its read transaction open all day,
    # so that SQLite could never checkpoint its WAL (which then grows with every commit).
    with app.app_context(), app.test_request_context(base_url=f"http://127.0.0.1:{port}"):
        address = public_url()
        note = " (guessed: set PUBLIC_URL if phones cannot reach it)" if is_guessed() else ""
        set_up = is_set_up()
    click.echo(f"Sáng tạo Live on http://{host}:{port}; phones and tablets use {address}{note}")
    if not set_up:
        click.echo(
            f"First run: open http://127.0.0.1:{port}/setup on this computer to create the "
            f"administrator (from another computer, {address}/setup with the code "
            f"{setup_code(app)})"
        )
    run(app, host, port)


@click.command("seed-demo")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--port", default=8000, show_default=True, help="The port `serve` will use.")
def seed_demo(as_json: bool, port: int) -> None:
    """Create a realistic Vietnamese demo event and print how to open it."""
    from core.demo import seed

    db.upgrade(current_app.config["DATABASE_URL"])
    # Links are built as if asked on this laptop: PUBLIC_URL, else the LAN address and port.
    with (
        current_app.test_request_context(base_url=f"http://localhost:{port}"),
        db.unit_of_work(write=True) as session,
    ):
        created = seed(session)
        session.flush()
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
    support = result["support"]["email"]
    click.echo(f"Tổ hỗ trợ sáng kiến / support team: {support} (cùng mật khẩu / same password)")
    click.echo(f"Hồ sơ của một người lao động / a worker's dossiers: {result['dossier_link']}")


@click.command("create-organiser")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--admin", is_flag=True, help="Make a site administrator (the first one always is).")
@click.password_option(envvar="SANGTAO_ORGANISER_PASSWORD")
def create_organiser(email: str, name: str, admin: bool, password: str) -> None:
    """Create an organiser (Ban Tổ chức) account, or reset its password."""
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"at least {MIN_PASSWORD} characters", param_hint="password")
    db.upgrade(current_app.config["DATABASE_URL"])
    password_hash = hash_password(password)
    with db.unit_of_work(write=True) as session:
        first = session.scalar(select(Organiser.id).where(Organiser.is_admin.is_(True))) is None
        organiser = save_organiser(
            session, email=email, name=name, password_hash=password_hash, admin=admin or first
        )
        role = "administrator" if organiser.is_admin else "organiser"
        email = organiser.email
    click.echo(f"{role} {email} is ready", file=sys.stderr)


@click.command("backup")
@with_appcontext
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_database(path: Path | None) -> None:
    """Copy the whole SQLite database while the server runs (default: instance/backups/)."""
    url = current_app.config["DATABASE_URL"]
    try:
        backup.sqlite_file(url)
    except backup.NotSQLite:
        click.echo(
            "The database is PostgreSQL: back it up with pg_dump (for example "
            "`pg_dump --format=custom --file=sangtao.dump DATABASE`); this command copies "
            "SQLite files only.",
            err=True,
        )
        sys.exit(2)
    target = path or backup.default_copy_path(Path(current_app.instance_path))
    check = backup.copy_database(url, target, current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
    if check != "ok":
        raise click.ClickException(f"the copy {target} failed its integrity check: {check}")
    click.echo(f"{target} ({target.stat().st_size:,} bytes, integrity_check ok)")


@click.command("export-event")
@with_appcontext
@click.argument("slug")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_event(slug: str, path: Path | None) -> None:
    """Write one event's backup file (data and attachments), as its overview page offers it."""
    with db.unit_of_work() as session:
        event = session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            raise click.ClickException(f"no event at the address {slug!r}")
        target = path or Path.cwd() / backup.file_name(event)
        with target.open("wb") as stream:
            manifest = backup.write_event(session, event, stream)
    rows = sum(manifest["counts"].values())
    click.echo(f"{target} ({target.stat().st_size:,} bytes, {rows} rows)")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_event(file: Path) -> None:
    """Restore an event from its backup file into this instance, as a new event."""
    db.upgrade(current_app.config["DATABASE_URL"])
    with force_locale("vi"):
        try:
            restored = backup.restore_file(file, "cli")
        except Invalid as error:
            raise click.ClickException(error.message) from None
        click.echo(f"Đã khôi phục sự kiện “{restored.name}”: {restored.slug}")
        for note in restored.notes:
            click.echo(f"  {note}")


@click.command("run-job", hidden=True)
@with_appcontext
@click.argument("job_id")
def run_job(job_id: str) -> None:
    """Run a queued long job (the server starts this process itself; see core/jobs.py)."""
    from core import jobs

    jobs.run(job_id)


def init_app(app: Flask) -> None:
    commands = (upgrade_db, serve, seed_demo, create_organiser, run_job)
    for command in (*commands, backup_database, export_event, restore_event):
        app.cli.add_command(command)
