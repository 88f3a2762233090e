"""The Flask application factory: configuration injected, the store opened once, blueprints registered."""

from __future__ import annotations

from importlib.metadata import version

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, jsonify

from analytics_maestro.config import Settings
from analytics_maestro.inventory.store import counts, open_store

status = Blueprint("status", __name__)


@status.get("/")
def index():
    return jsonify(name="analytics-maestro", version=version("analytics-maestro"))


@status.get("/health")
def health():
    """The store answers, and how much it holds; 503 when it does not answer."""
    engine = current_app.extensions["maestro.store"]
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        held = counts(engine)
    except sa.exc.SQLAlchemyError as exc:
        body = {"status": "error", "store": {"ok": False, "error": str(exc.__class__.__name__)}}
        return jsonify(body), 503
    return jsonify(status="ok", store={"ok": True, "backend": engine.url.get_backend_name(), **held})


def create_app(settings: Settings | None = None, engine: sa.Engine | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAESTRO_SETTINGS"] = settings
    app.extensions["maestro.store"] = engine if engine is not None else open_store(settings.database_url)
    app.register_blueprint(status)
    return app
