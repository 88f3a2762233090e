"""The Flask application factory: configuration injected, the store, artefacts and runner opened once,
the error handlers and one blueprint per resource registered."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, jsonify

from analytics_maestro.config import Settings
from analytics_maestro.inventory.store import counts, open_store
from analytics_maestro.maestro.services import Services, about
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.runner import Runner, make_runner
from analytics_maestro.web import accounts, api, graphs, inventory, maestro, openapi, pages
from analytics_maestro.web.auth import secret_of

status = Blueprint("status", __name__)


@api.operation(status, "GET", "/", "Name and version", auth="public", responses={200: None})
def index():
    """A browser (asking for HTML) is sent to the front."""
    if pages.wants_page():
        return pages.home()
    return jsonify(about())


@api.operation(status, "GET", "/health", "Health of the store (and broker and results under Celery)",
               auth="public", responses={200: None, 503: None})  # fmt: skip
def health():
    """The store answers, and how much it holds; 503 when something the service needs does not answer."""
    engine = current_app.extensions["maestro.store"]
    body: dict = {"status": "ok"}
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        body["store"] = {"ok": True, "backend": engine.url.get_backend_name(), **counts(engine)}
    except sa.exc.SQLAlchemyError as exc:
        body["store"] = {"ok": False, "error": exc.__class__.__name__}
    body |= current_app.extensions["maestro.runner"].health()  # under Celery: the broker and the results
    healthy = all(part["ok"] for part in body.values() if isinstance(part, dict))
    body["status"] = "ok" if healthy else "error"
    return jsonify(body), 200 if healthy else 503


def create_app(
    settings: Settings | None = None, engine: sa.Engine | None = None, runner: Runner | None = None, sweep: bool = False
) -> Flask:
    """The service. With `sweep` (as `serve` runs it), a thread ends overdue runs in the background
    (`records.Sweeper`): no reader ever writes."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAESTRO_SETTINGS"] = settings
    app.config["MAESTRO_SECRET"] = secret_of(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_mb * 1024 * 1024
    app.json.sort_keys = False
    engine = engine if engine is not None else open_store(settings.database_url)
    app.extensions["maestro.store"] = engine
    app.extensions["maestro.artifacts"] = Artifacts(settings.artifacts_dir)
    app.extensions["maestro.runner"] = runner if runner is not None else make_runner(settings, engine)
    app.extensions["maestro.services"] = Services.of(settings)  # Maestro mode: Maestro Server's services
    if sweep:
        interval = min(30.0, settings.claim_timeout / 2)  # a dead process's runs run again within 1.5 timeouts
        app.extensions["maestro.sweeper"] = records.Sweeper(engine, interval, app.extensions["maestro.runner"]).start()
    app.extensions["maestro.logins"] = accounts.Attempts()
    api.register_errors(app)
    for blueprint in (status, openapi.bp, accounts.bp, inventory.bulk, *inventory.BLUEPRINTS, graphs.bp,
                      graphs.public, maestro.bp, pages.bp, pages.public_page):  # fmt: skip
        app.register_blueprint(blueprint)
    return app
