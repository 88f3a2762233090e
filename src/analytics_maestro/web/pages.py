"""The front: server-rendered pages (graphs, one graph with its viewer, inventory, a shared diagram).

Pages read with the browser's session cookie and act through the same API as any client (small
ES modules under static/); what a page shows is what the API lets its user see.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from analytics_maestro.domain import COLOURINGS
from analytics_maestro.pipeline import records
from analytics_maestro.render.exports import MAX_PNG_SIDE
from analytics_maestro.web import auth
from analytics_maestro.web.api import ApiError
from analytics_maestro.web.graphs import graph_json, shared_graph
from analytics_maestro.web.owners import READ

bp = Blueprint("pages", __name__, url_prefix="/app")
public_page = Blueprint("public_page", __name__)

PAGE_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# A shared diagram may be embedded in wikis (an iframe), nothing else is allowed
PUBLIC_POLICY = PAGE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


def _user() -> auth.User | None:
    token = request.cookies.get(auth.COOKIE)
    if not token:
        return None
    try:
        return auth.user_of(current_app.extensions["maestro.store"], current_app.config["MAESTRO_SECRET"], token)
    except auth.AuthError:
        return None


def _page(template: str, status: int = 200, policy: str = PAGE_POLICY, **context):
    response = current_app.make_response((render_template(template, **context), status))
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def wants_page() -> bool:
    """A browser asking for `/` gets the front; a script gets the API's name and version."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]


def login_page(reason: str | None = None):
    return _page("login.html", 401, user=None, reason=reason)


def confirm_login(token: str):
    """The page a login link opens: one button that logs in with it (a POST from this page)."""
    return _page("login.html", 200, user=None, reason=None, token=token)


def home():
    return redirect(url_for("pages.graphs"))


@bp.before_request
def logged_in():
    user = _user()
    if user is None:
        return login_page()
    request.environ["maestro.user"] = user
    return None


@bp.get("/graphs")
def graphs():
    user = request.environ["maestro.user"]
    engine = current_app.extensions["maestro.store"]
    found, total = records.list_graphs(engine, user.principals, limit=500)
    return _page("graphs.html", user=user, graphs=[graph_json(g) for g in found], total=total)


@bp.get("/graphs/<graph_id>")
def graph(graph_id: str):
    user = request.environ["maestro.user"]
    engine = current_app.extensions["maestro.store"]
    try:
        found = records.get(engine, graph_id)
    except records.GraphNotFound:
        found = None
    if found is None or user.role_in(found.owner) < READ:
        return _page("missing.html", 404, user=user, what=f"graph {graph_id!r}")
    return _page(
        "graph.html",
        user=user,
        graph=graph_json(found),
        can_share=user.role_in(found.owner) >= 7,
        servers=_servers(found),
        opens_on=_opens_on(found),
        colourings=COLOURINGS,
        max_png_side=MAX_PNG_SIDE,
    )


LANDSCAPE_FROM = 300  # applications from which a graph opens on the landscape of its systems


def _opens_on(graph: records.GraphRecord) -> str | None:
    """The level the viewer opens a graph on, where it offers both (a business graph drawn at the
    applications level, of two systems or more): its systems when it is large; None where it
    offers one level only."""
    stats = graph.stats or {}
    if graph.type == "infra" or graph.request.level != "applications" or len(stats.get("systems", ())) < 2:
        return None
    return "systems" if stats.get("applications", 0) > LANDSCAPE_FROM else "applications"


SHOWN_SERVERS = 200


def _servers(graph: records.GraphRecord) -> dict | None:
    """The distinct servers of the diagram's applications (the first few hundred by hostname)."""
    if not graph.published_run:
        return None
    artifacts = current_app.extensions["maestro.artifacts"]
    try:
        by_app = artifacts.read_json(graph.id, graph.published_run, "enrichment.json")
    except FileNotFoundError:
        return None
    hosts = {server["id"]: server for group in by_app.values() for server in group}
    ordered = sorted(hosts.values(), key=lambda s: (s.get("hostname") or s["id"], s["id"]))
    return {"items": ordered[:SHOWN_SERVERS], "total": len(ordered)}


@bp.get("/inventory")
def inventory():
    return _page("inventory.html", user=request.environ["maestro.user"])


@bp.get("/people")
def people():
    return _page("people.html", user=request.environ["maestro.user"])


@public_page.get("/favicon.ico")
def favicon():
    """The icon, for browsers and tools that ask for it at the root whatever the page says."""
    return current_app.send_static_file("favicon.svg"), 200, {"Content-Type": "image/svg+xml"}


@public_page.get("/public/<token>")
def shared(token: str):
    """A shared diagram in the viewer, and nothing else; 404 once revoked or expired."""
    try:
        graph = shared_graph(token)
    except ApiError:  # unknown, revoked, expired: the same page
        return _page("missing.html", 404, PUBLIC_POLICY, user=None, what="shared diagram")
    return _page("public.html", policy=PUBLIC_POLICY, user=None, name=graph.name or "Diagram", token=token)
