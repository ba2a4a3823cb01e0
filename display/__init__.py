"""The big screens: pages, the ``/display`` Socket.IO namespace, the organiser's control page,
and the phones following live (``/live/<event>``).

Nothing imports this package: it reads what the others publish.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext


def _register_modes() -> None:
    from display.ceremony import REVEAL_FEED
    from display.feeds import EXHIBITS, PEOPLES_CHOICE, PITCHING
    from display.models import ScreenMode
    from display.modes import Mode, register
    from scoring.standings import FEED as STANDINGS

    register(Mode(ScreenMode.BLANK, lazy_gettext("Màn hình chờ (logo)"), None))
    register(Mode(ScreenMode.LEADERBOARD, lazy_gettext("Bảng xếp hạng"), STANDINGS))
    register(Mode(ScreenMode.PITCHING, lazy_gettext("Đang thuyết trình"), PITCHING))
    register(
        Mode(ScreenMode.PEOPLES_CHOICE, lazy_gettext("Bình chọn của khán giả"), PEOPLES_CHOICE)
    )
    register(Mode(ScreenMode.EXHIBIT_WALL, lazy_gettext("Tường trưng bày"), EXHIBITS))
    register(Mode(ScreenMode.ANNOUNCEMENT, lazy_gettext("Thông báo"), None))
    register(Mode(ScreenMode.CLOCK, lazy_gettext("Đồng hồ và chương trình"), None))
    register(Mode(ScreenMode.REVEAL, lazy_gettext("Công bố kết quả"), REVEAL_FEED))


def init_app(app: Flask) -> None:
    from core import realtime, signals
    from display import (
        ceremony,
        ceremony_events,
        ceremony_views,
        events,
        feeds,
        live,
        manage,
        views,
    )

    _register_modes()
    for name, build in feeds.BUILDERS.items():
        realtime.add_feed(app, name, build)
    app.extensions[events.PRESENCE] = realtime.Presence()
    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    for blueprint in (ceremony_views.bp, ceremony_views.mc):
        app.register_blueprint(blueprint)
    realtime.add_feed(app, ceremony.REVEAL_FEED, ceremony.reveal_snapshot)
    realtime.add_feed(app, ceremony.RUNSHEET_FEED, ceremony.runsheet_snapshot)
    realtime.socketio.on_event("connect", ceremony_events.on_connect, namespace="/mc")
    realtime.socketio.on_event("refresh", ceremony_events.on_refresh, namespace="/mc")
    realtime.subscribe(app, ceremony_events.NAMESPACE, [ceremony.RUNSHEET_FEED])
    app.register_blueprint(live.bp)
    realtime.socketio.on_event("connect", events.on_connect, namespace=events.NAMESPACE)
    realtime.socketio.on_event("disconnect", events.on_disconnect, namespace=events.NAMESPACE)
    realtime.socketio.on_event("refresh", events.on_refresh, namespace=events.NAMESPACE)
    realtime.subscribe(app, events.NAMESPACE, events.feeds())
    signals.management_menu.connect(manage.menu_item, weak=False)
    signals.management_menu.connect(ceremony_views.menu_items, weak=False)
    if app.config["BENCHMARK"]:
        from display import bench

        app.register_blueprint(bench.bp)
