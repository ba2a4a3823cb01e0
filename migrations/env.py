"""Alembic environment: the URL comes from the app (``core.db.upgrade``) or ``DATABASE_URL``."""

from __future__ import annotations

from alembic import context

from core.config import from_environment
from core.db import Database
from core.models import Base
from core.models.base import UTCDateTime

config = context.config
url = config.attributes.get("url") or from_environment()["DATABASE_URL"]


def render_item(kind: str, item: object, _autogen_context: object) -> str | bool:
    """Write migrations with plain SQLAlchemy types, so that they never import the models."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            if database.is_sqlite:
                # SQLite rebuilds tables to alter them ("batch" mode): foreign keys must be off
                # while it copies rows; the pragma is ignored inside a transaction, so set it first.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=database.is_sqlite,
                compare_type=True,
                render_item=render_item,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        database.dispose()


run_migrations_online()
