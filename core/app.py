"""The application factory: the composition root, which wires the packages in dependency order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.typing import ResponseReturnValue

from core.config import from_environment, instance_path
from core.edge import JSONProvider

ROOT = Path(__file__).resolve().parents[1]


class App(Flask):
    """Flask, with the one commit of a request made in one place: after its view returns.

    A view that raises is answered by ``core.errors``, which rolls the session back; a commit
    that fails (a lost race on a unique key, a busy database) is answered there too. Request
    bodies' JSON is read strictly (``core.edge``).
    """

    json_provider_class = JSONProvider

    def dispatch_request(self) -> ResponseReturnValue:
        from core import db

        answer = super().dispatch_request()
        db.commit()
        return answer


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = App(
        __name__,
        instance_path=str(instance_path()),
        static_folder=str(ROOT / "static"),
        template_folder="templates",
    )
    app.config.from_mapping(from_environment())
    if test_config:
        app.config.from_mapping(test_config)

    from core import (
        admin,
        admin_imports,
        api,
        assets,
        auth,
        cli,
        db,
        edge,
        errors,
        headers,
        i18n,
        live,
        manage,
        manage_backup,
        manage_imports,
        people,
        realtime,
        views,
    )

    assets.init_app(app)
    db.init_app(app)
    edge.init_app(app)
    live.init_app(app)
    realtime.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    views.init_app(app)
    api.init_app(app)
    manage.init_app(app)
    manage_backup.init_app(app)
    people.init_app(app)
    admin.init_app(app)
    manage_imports.init_app(app)
    admin_imports.init_app(app)

    import display
    import initiatives
    import kiosk
    import scoring

    for package in (initiatives, scoring, kiosk, display):
        package.init_app(app)

    cli.init_app(app)
    return app
