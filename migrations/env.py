"""Alembic environment: the URL comes from the app (``core.db.upgrade``) or ``DATABASE_URL``."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import event

import display.models
import initiatives.models
import kiosk.models
import scoring.models
from core.config import from_environment
from core.db import Database
from core.models import Base
from core.models.base import UTCDateTime

# Every package's tables, not only the spine's.
MODELS = (initiatives.models, scoring.models, kiosk.models, display.models)

config = context.config
url = config.attributes.get("url") or from_environment()["DATABASE_URL"]


def render_item(kind: str, item: Any, _autogen_context: Any) -> str | Literal[False]:
    """Write migrations with plain SQLAlchemy types, so that they never import the models."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def run_migrations_online() -> None:
    database = Database(url)
    if database.is_sqlite:
        # SQLite rebuilds tables to alter them ("batch" mode): foreign keys must be off while it
        # copies rows. The pragma is ignored inside a transaction, so it is set on connect,
        # after the app's own settings.
        event.listen(database.engine, "connect", _foreign_keys_off)
    try:
        with database.engine.connect() as connection:
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
