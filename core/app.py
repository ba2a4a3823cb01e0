"""The application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from core.config import from_environment, instance_path

ROOT = Path(__file__).resolve().parents[1]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        static_folder=str(ROOT / "static"),
        template_folder="templates",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.from_mapping(from_environment())
    if test_config:
        app.config.from_mapping(test_config)

    from core import assets, auth, db, errors, i18n, views

    assets.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.bp)

    from kiosk import views as kiosk_views

    app.register_blueprint(kiosk_views.bp)

    from scoring import api as scoring_api
    from scoring import views as scoring_views

    app.register_blueprint(scoring_views.bp)
    app.register_blueprint(scoring_api.bp)

    from display import init_app as init_display

    init_display(app)

    from core import cli

    cli.init_app(app)
    return app
