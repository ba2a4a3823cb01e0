"""The standardized initiative record, which outlives every event: the initiative library, and
the lists its themes and fields are chosen from."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import db
    from initiatives import (
        imports,
        library,
        manage,
        manage_dossiers,
        manage_paperwork,
        manage_programme,
        manage_reports,
        manage_rollup,
        search,
        worker,
    )

    manage.init_app(app)
    library.init_app(app)
    manage_programme.init_app(app)
    manage_reports.init_app(app)
    manage_paperwork.init_app(app)
    manage_rollup.init_app(app)
    manage_dossiers.init_app(app)
    worker.init_app(app)
    imports.init_app()
    search.listen(app.extensions[db.EXTENSION].sessions)
