"""The `analytics-maestro` command: draw, import, lookup, generate and serve.

Every error a user can cause ends here as one line per problem on stderr and exit code 2. The
store's modules (SQLAlchemy, Alembic) are imported by the commands that use them only, so that
`draw` starts fast.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click
import msgspec

from analytics_maestro.config import Settings
from analytics_maestro.domain import COLOURINGS, GraphRequest
from analytics_maestro.errors import MaestroError
from analytics_maestro.gcpause import paused_gc
from analytics_maestro.inventory.files import load_inventory
from analytics_maestro.inventory.problems import Report
from analytics_maestro.inventory.sources import KINDS as SOURCES

USAGE_ERROR = 2
SHOWN_CHANGES = 40  # lines of an import's change report printed


class MaestroGroup(click.Group):
    """Turns the project's own errors into one line per problem and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MaestroError as exc:
            for line in exc.lines():
                click.echo(f"error: {line}", err=True)
            sys.exit(USAGE_ERROR)


@click.group(cls=MaestroGroup)
@click.version_option(package_name="analytics-maestro")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Business architecture diagrams from an inventory of applications, dependencies and servers."""
    ctx.obj = Settings.from_env()


def _print_report(report: Report) -> None:
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)


def _import(
    settings: Settings, path: Path | str, owner: str, quiet: bool = False, source: str | None = None,
    more: tuple[str, ...] = (), name: str | None = None, prune: bool = False,
) -> None:  # fmt: skip
    """Import an inventory file (or, `source`, another tool's files, remembered as `name`)."""
    from rich.progress import Progress

    from analytics_maestro.inventory.importer import write_inventory
    from analytics_maestro.inventory.store import open_store

    report = _read(path, source, more, structs=False)
    _print_report(report)
    if not report.ok:
        click.echo(f"{path}: {len(report.errors)} error(s); nothing was imported", err=True)
        sys.exit(USAGE_ERROR)
    inventory = report.inventory
    engine = open_store(settings.database_url)
    total = sum(len(x) for x in (inventory.clients, inventory.systems, inventory.applications, inventory.servers))
    started = time.perf_counter()
    with paused_gc(), Progress(transient=True, disable=quiet or not sys.stderr.isatty()) as progress:
        task = progress.add_task("importing", total=total)
        called = (name or f"{source}:{path}") if source else None
        summary = write_inventory(engine, inventory, owner, lambda _table, n: progress.advance(task, n),
                                  source=called, prune=prune)  # fmt: skip
    elapsed = time.perf_counter() - started
    if quiet:
        return
    click.echo(f"imported {path} for owner {owner!r} in {elapsed:.2f} s: {summary}")
    if summary.changes is not None:
        lines = summary.changes.lines()
        click.echo(f"since the last import of {called}:" + ("" if lines else " no changes"))
        for line in lines[:SHOWN_CHANGES]:
            click.echo(f"  {line}")
        if len(lines) > SHOWN_CHANGES:
            click.echo(f"  ... and {len(lines) - SHOWN_CHANGES} more")
        if summary.changes.removed and not prune:
            click.echo(
                f"{len(summary.changes.removed)} application(s) no longer in {called} were kept; --prune removes them"
            )


SOURCE = click.option(
    "--from", "source", type=click.Choice(SOURCES),
    help="Read what the architecture already lives in: docker-compose files, Kubernetes manifests, a Backstage "
    "catalog, Jaeger's dependencies or OTLP/JSON traces (files, folders, or - for standard input).",
)  # fmt: skip


def _read(path: Path | str, source: str | None, more: tuple[str, ...] = (), structs: bool = False) -> Report:
    """An inventory file of ours, or (`source`) the files of another tool, validated."""
    if source is None:
        return load_inventory(path, structs=structs)
    from analytics_maestro.inventory.sources import load_source

    return load_source(source, [str(path), *more], sys.stdin.buffer.read)


def _paths(inventory: tuple[str, ...], source: str | None) -> tuple[str, tuple[str, ...]]:
    if source is None and len(inventory) != 1:
        raise click.UsageError("give one inventory file (several files or folders with --from)")
    return inventory[0], inventory[1:]


@main.command("import")
@click.argument("inventory", nargs=-1, required=True)
@SOURCE
@click.option("--source", "name", metavar="NAME", help="With --from: what to call these files (default: KIND:PATH).")
@click.option("--prune", is_flag=True, help="With --from: remove what an earlier import of the same source held and "
              "this one does not (never records of another source or written by hand).")  # fmt: skip
@click.option("--owner", help="Whose inventory this is (default: $MAESTRO_OWNER, or 'local').")
@click.pass_obj
def import_(settings: Settings, inventory: tuple[str, ...], source: str | None, name: str | None, prune: bool,
            owner: str | None) -> None:  # fmt: skip
    """Validate INVENTORY (JSON or YAML; with --from, the files of that tool) and write it into the
    configured store. Importing the same source again reports what changed since."""
    first, more = _paths(inventory, source)
    if (name or prune) and source is None:
        raise click.UsageError("--source and --prune go with --from")
    _import(settings, first, owner or settings.owner, source=source, more=more, name=name, prune=prune)


def selection(command):
    """The options that choose where a diagram starts, shared by `lookup` and `draw`."""
    options = [
        click.option("--app", "apps", multiple=True, help="Start from this application (repeatable)."),
        click.option("--system", "systems", multiple=True, help="Start from this system's entries (repeatable)."),
        click.option("--client", "clients", multiple=True, help="Start from this client's systems (repeatable)."),
        click.option("--all", "all_systems", is_flag=True, help="Start from every system's entries."),
        click.option("--owner", help="Whose inventory (default: $MAESTRO_OWNER, or 'local')."),
        click.option("--as", "principals", multiple=True, help="Look up as this user or team (repeatable)."),
        click.option("--max-depth", type=click.IntRange(min=0), help="Default: $MAESTRO_MAX_DEPTH, or 40."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _request(settings: Settings, apps, systems, clients, all_systems, owner, principals) -> GraphRequest:
    if not (apps or systems or clients or all_systems):
        raise click.UsageError("name at least one --app, --system or --client, or --all")
    return GraphRequest(
        owner=owner or settings.owner,
        principals=principals,
        apps=apps,
        systems=systems,
        clients=clients,
        all_systems=all_systems,
    )


def _report_lookup(entries, graph, depth: int) -> None:
    """Warnings about the selection and the graph; exit 2 when there is nothing to draw."""
    for problem in entries.problems:
        click.echo(f"warning: {problem}", err=True)
    if not entries.ids:
        click.echo("error: nothing to start from", err=True)
        sys.exit(USAGE_ERROR)
    for edge in graph.missing:
        click.echo(f"warning: {edge.source} depends on {edge.target!r}, which is not in the inventory", err=True)
    if graph.truncated:
        click.echo(f"warning: truncated at depth {depth}; --max-depth draws deeper", err=True)


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file, so that a failure never leaves half a file behind."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


class AspectRatio(click.ParamType):
    """`W:H` (16:10) or a number (1.6), between 1:10 and 10:1."""

    name = "W:H"

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, float):
            return value
        try:
            width, _, height = str(value).partition(":")
            ratio = float(width) / float(height or 1)
        except (ValueError, ZeroDivisionError):
            ratio = 0.0
        if not 0.1 <= ratio <= 10:
            self.fail(f"{value!r} is not a width to height such as 16:10 or 1.6, between 1:10 and 10:1", param, ctx)
        return ratio


ASPECT_RATIO = AspectRatio()


@main.command()
@click.argument("inventory", nargs=-1, required=True)
@SOURCE
@selection
@click.option("--style", type=click.Choice(["iso", "flat"]), default="iso", show_default=True, help="How to draw.")
@click.option(
    "--type", "view", type=click.Choice(["bussiness", "business", "infra"]), default="bussiness", show_default=True,
    help="Applications (business, or Maestro's spelling bussiness), or the servers they run on.",
)  # fmt: skip
@click.option("-o", "--output", required=True, type=OUTPUT, help="Where to write the diagram (SVG unless --format).")
@click.option(
    "--format", "fmt", type=click.Choice(["svg", "dot", "graphml", "mermaid"]), default="svg", show_default=True,
    help="Write the graph for another tool instead of the SVG.",
)  # fmt: skip
@click.option(
    "--shared", "shared", multiple=True, metavar="ID|none",
    help="Draw this application on the rail of shared infrastructure (repeatable); 'none' draws every edge as a "
    "line. Default: the inventory's `shared` fields and the rail's rule.",
)  # fmt: skip
@click.option(
    "--level",
    type=click.Choice(["applications", "systems"]),
    default="applications",
    show_default=True,
    help="Applications, or the landscape: one box per system, with the dependencies between systems.",
)
@click.option(
    "--aspect", type=ASPECT_RATIO, default=None, metavar="W:H",
    help="The width to height that the parts of the drawing are packed to.  [default: 16:10]",
)  # fmt: skip
@click.option(
    "--previous", "previous_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="An earlier layout of this diagram (--layout-json): what did not change stays where it was.",
)  # fmt: skip
@click.option(
    "--colour", type=click.Choice(COLOURINGS), default="provider", show_default=True,
    help="What the tiles' colours tell: the provider (Maestro's), the system (an application's first) or the "
    "environment.",
)  # fmt: skip
@click.option(
    "--containers/--no-containers", default=True, show_default=True,
    help="A box around each system's applications (each place's servers, with --type infra), where there are two "
    "or more.",
)  # fmt: skip
@click.option("--png", "png_path", type=OUTPUT, help="Also write a PNG.")
@click.option("--layout-json", "layout_path", type=OUTPUT, help="Also write the layout as JSON.")
@click.option("--stats", "stats_path", type=OUTPUT, help="Also write the statistics as JSON.")
@click.pass_obj
def draw(
    settings, inventory, source, apps, systems, clients, all_systems, owner, principals, max_depth, style, view,
    output, fmt, shared, level, aspect, previous_path, colour, containers, png_path, layout_path, stats_path,
) -> None:  # fmt: skip
    """Draw the diagram of INVENTORY (JSON or YAML; with --from, the files of that tool) from the chosen
    entry points; no server needed."""
    from analytics_maestro.inventory.memory import MemoryInventory
    from analytics_maestro.pipeline import diagram as pipeline
    from analytics_maestro.render import exports

    # Almost everything the command makes lives until the drawing is written: the cyclic collector
    # would only scan it (each full pass over a large inventory costs tens of milliseconds).
    with paused_gc(freeze=True):
        request = _request(settings, apps, systems, clients, all_systems, owner, principals)
        request = msgspec.structs.replace(request, level=level, aspect=aspect, containers=containers)
        if shared:
            request = msgspec.structs.replace(request, shared=tuple(s for s in shared if s != "none"))
        inventory, more = _paths(inventory, source)
        report = _read(inventory, source, more, structs=True)
        _print_report(report)
        if not report.ok:
            click.echo(f"{inventory}: {len(report.errors)} error(s); nothing was drawn", err=True)
            sys.exit(USAGE_ERROR)
        depth = settings.max_depth if max_depth is None else max_depth
        drawn = fmt == "svg" or png_path
        previous = _layout_file(previous_path) if previous_path else None
        diagram = pipeline.make_diagram(MemoryInventory(report.inventory, request.owner), request, view, depth,
                                        style if drawn and colour == "provider" else None,
                                        statistics=stats_path is not None, previous=previous)  # fmt: skip
        if drawn and colour != "provider":
            ctx = pipeline.Context(None, request, style=style)
            svg = pipeline.draw(ctx, diagram.view, diagram.layout, diagram.servers, diagram.systems, colour)
            diagram = msgspec.structs.replace(diagram, svg=svg)
        _report_lookup(diagram.entries, diagram.applications, depth)
        _write(output, (diagram.svg if fmt == "svg" else exports.FORMATS[fmt](diagram.view)).encode())
        if layout_path:
            _write(layout_path, diagram.layout.to_json().encode())
        if stats_path:
            _write(stats_path, diagram.statistics().to_json().encode())
        if png_path:
            _write(png_path, exports.png(diagram.svg))


@main.command()
@click.argument("inventory", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ident", metavar="APP|SERVER")
@click.option("--owner", help="Whose inventory this is (default: $MAESTRO_OWNER, or 'local').")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def impact(settings, inventory, ident, owner, as_json) -> None:
    """What breaks if APP (or SERVER, by id or hostname) fails: every application of INVENTORY that
    depends on it, directly or not (for a server, on what it runs), with the fewest hops to it, the
    entries among them, and how many per system and per client."""
    from analytics_maestro.analytics.insights import blast_radius, reached_by, server_radius

    request, catalogue, graph = _every_system(settings, inventory, owner)
    nodes = {node.id: node for node in graph.nodes}
    if ident in nodes:
        found, failed = blast_radius(graph, ident), [ident]
    else:
        hosted = sorted(
            app for app, group in catalogue.servers(request, list(nodes)).items()
            if any(ident in (server.id, server.hostname) for server in group)
        )  # fmt: skip
        if not hosted:
            click.echo(f"error: {ident!r} is neither an application any system's entries reach nor a server "
                       "that runs one", err=True)  # fmt: skip
            sys.exit(USAGE_ERROR)
        found, failed = server_radius(graph, ident, hosted), []
    reached = [*failed, *(r.id for r in found.dependents)]
    clients_of = {s.id: s.clients for s in catalogue.systems(request, None)}
    systems, clients = reached_by(nodes, reached, clients_of)
    if as_json:
        result = {"id": ident, "dependents": [{"id": r.id, "hops": r.count} for r in found.dependents],
                  "entries": list(found.entries), "systems": systems, "clients": clients}  # fmt: skip
        click.echo(json.dumps(result, indent=1))
        return
    if failed:
        click.echo(f"{ident}: {len(found.dependents)} applications depend on it")
    else:
        runs = [r.id for r in found.dependents if r.count == 0]
        click.echo(
            f"{ident} runs {', '.join(runs)}; {len(found.dependents) - len(runs)} more applications depend on them"
        )
    for hops in sorted({r.count for r in found.dependents} - {0}):
        click.echo(f"  {hops} hop(s): " + ", ".join(r.id for r in found.dependents if r.count == hops))
    click.echo("entries: " + (", ".join(found.entries) or "none"))
    click.echo("systems: " + _counted(systems))
    click.echo("clients: " + _counted(clients))


def _every_system(settings: Settings, path: Path, owner: str | None):
    """An inventory file's request for every system, the file as a catalogue, and the lookup's
    result; exit 2 when the file has errors."""
    from analytics_maestro.inventory.entry import lookup as entry_and_graphlookup
    from analytics_maestro.inventory.memory import MemoryInventory

    report = load_inventory(path, structs=True)
    _print_report(report)
    if not report.ok:
        click.echo(f"{path}: {len(report.errors)} error(s)", err=True)
        sys.exit(USAGE_ERROR)
    request = GraphRequest(owner=owner or settings.owner, all_systems=True)
    catalogue = MemoryInventory(report.inventory, request.owner)
    _, graph = entry_and_graphlookup(catalogue, request, settings.max_depth)
    return request, catalogue, graph


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "none"


@main.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--owner", help="Whose inventories these are (default: $MAESTRO_OWNER, or 'local').")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.pass_obj
def diff_(settings, old, new, owner, as_json) -> None:
    """What changed from OLD to NEW: two inventories (their diagrams from every system's entries)
    or two layout files (`draw --layout-json`), which also tell what moved. Exit 0 when nothing
    changed, 1 when something did."""
    from analytics_maestro.analytics.changes import diff

    (old_kind, before), (new_kind, after) = (_snapshot(settings, path, owner) for path in (old, new))
    if old_kind != new_kind:
        click.echo("error: compare two inventories or two layout files, not one of each", err=True)
        sys.exit(USAGE_ERROR)
    found = diff(before, after)
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=1))
    else:
        for line in found.lines() or ["no changes"]:
            click.echo(line)
    sys.exit(0 if found.empty else 1)


def _layout_file(path: Path):
    """The Grid of a layout file (`--layout-json`); exit 2 with the reason when it is not one."""
    from analytics_maestro.layout.grid import grid_from_json

    try:
        return grid_from_json(path.read_bytes())
    except (OSError, msgspec.DecodeError) as exc:
        click.echo(f"error: {path}: not a layout file: {exc}", err=True)
        sys.exit(USAGE_ERROR)


def _snapshot(settings: Settings, path: Path, owner: str | None):
    """("layout", its snapshot) of a layout file, or ("inventory", the snapshot of its diagram from every
    system's entries)."""
    from analytics_maestro.analytics.changes import snapshot, snapshot_of_layout

    try:
        document = json.loads(path.read_bytes()) if path.suffix.lower() == ".json" else None
    except (OSError, ValueError):
        document = None
    if isinstance(document, dict) and {"nodes", "edges", "columns"} <= document.keys():
        return "layout", snapshot_of_layout(_layout_file(path))
    request, catalogue, graph = _every_system(settings, path, owner)
    servers = catalogue.servers(request, [node.id for node in graph.nodes])
    return "inventory", snapshot(graph, {app: [s.hostname or s.id for s in group] for app, group in servers.items()})


@main.command()
@selection
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
@click.pass_obj
def lookup(settings, apps, systems, clients, all_systems, owner, principals, max_depth, as_json) -> None:
    """Follow the dependencies from the chosen entry points in the store, and summarise what is reached."""
    from analytics_maestro.inventory.entry import lookup as entry_and_graphlookup
    from analytics_maestro.inventory.sql import SqlInventory
    from analytics_maestro.inventory.store import open_store

    request = _request(settings, apps, systems, clients, all_systems, owner, principals)
    engine = open_store(settings.database_url)
    started = time.perf_counter()
    depth = settings.max_depth if max_depth is None else max_depth
    with engine.connect() as connection:
        entries, graph = entry_and_graphlookup(SqlInventory(connection), request, depth)
    elapsed = time.perf_counter() - started
    for problem in entries.problems:
        click.echo(f"warning: {problem}", err=True)
    if not entries.ids:
        click.echo("error: nothing to start from", err=True)
        sys.exit(USAGE_ERROR)
    if as_json:
        click.echo(json.dumps(_graph_json(graph, entries), indent=1))
        return
    histogram = Counter(n.depth for n in graph.nodes)
    shown = ", ".join(graph.entries[:10]) + (f", ... ({len(graph.entries)} in all)" if len(graph.entries) > 10 else "")
    click.echo(f"entries: {shown}")
    click.echo(f"applications: {len(graph.nodes)}, dependencies: {len(graph.edges)}, missing: {len(graph.missing)}")
    click.echo("per depth: " + " ".join(f"{d}:{histogram[d]}" for d in sorted(histogram)))
    if graph.truncated:
        click.echo(f"truncated at depth {depth}: applications beyond it were left out")
    click.echo(f"looked up in {elapsed * 1000:.0f} ms")


def _graph_json(graph, entries) -> dict:
    return {
        "entries": list(graph.entries),
        "guessed": {k: list(v) for k, v in entries.guessed.items()},
        "nodes": [{"id": n.id, "depth": n.depth, "name": n.name, "family": n.family} for n in graph.nodes],
        "edges": [{"source": e.source, "target": e.target, "endpoint": e.endpoint} for e in graph.edges],
        "missing": [{"source": e.source, "target": e.target, "endpoint": e.endpoint} for e in graph.missing],
        "truncated": graph.truncated,
    }


@main.command("generate")
@click.argument("n", type=click.IntRange(min=1))
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--dot", is_flag=True, help="Write the dependency graph as Graphviz DOT instead.")
@click.option("-o", "--output", type=click.File("w"), default="-", help="Default: standard output.")
def generate_(n: int, seed: int, dot: bool, output) -> None:
    """Write a synthetic inventory of about N applications (the same for the same N and seed)."""
    from analytics_maestro.inventory.generate import generate, to_dot

    inventory = generate(n, seed)
    output.write(to_dot(inventory) if dot else json.dumps(inventory, indent=1) + "\n")


@main.command()
@click.option("--demo", is_flag=True, help="Load the demo inventory when the owner has no applications.")
@click.pass_obj
def serve(settings: Settings, demo: bool) -> None:
    """Serve the API and the front with gunicorn on $MAESTRO_HOST:$MAESTRO_PORT ($MAESTRO_GWORKERS workers).

    With no users yet, creates the administrator $MAESTRO_OWNER and prints a one-time login link.
    """
    import os
    from importlib.resources import as_file, files

    from analytics_maestro.inventory.store import counts, open_store
    from analytics_maestro.web import auth

    engine = open_store(settings.database_url)
    if demo and counts(engine, settings.owner)["applications"] == 0:
        with as_file(files("analytics_maestro") / "demo" / "inventory.yaml") as path:
            _import(settings, path, settings.owner)
    auth.secret_of(settings)  # made once here, so that every worker signs with the same secret
    if not auth.has_users(engine):
        auth.create_user(engine, settings.owner, settings.owner, admin=True)
        click.echo(f"Created the administrator {settings.owner!r}. Log in once with this link:")
        click.echo(f"    {_base_url(settings)}/login?token={auth.login_link_token(engine, settings.owner)}")
    engine.dispose()
    click.echo(f"Analytics Maestro on {_base_url(settings)}/ (API reference: {_base_url(settings)}/reference)")
    sys.stdout.flush()
    app = "analytics_maestro.web.app:create_app(sweep=True)"
    args = [sys.executable, "-m", "gunicorn", "-c", "python:analytics_maestro.web.gunicorn_config", app]
    os.execv(sys.executable, args)


def _base_url(settings: Settings) -> str:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}"


@main.command("login-link")
@click.argument("user")
@click.option("--create", is_flag=True, help="Create the user when missing.")
@click.option("--admin", is_flag=True, help="With --create: a site administrator.")
@click.pass_obj
def login_link(settings: Settings, user: str, create: bool, admin: bool) -> None:
    """Print a one-time login link for USER (valid 24 hours)."""
    from analytics_maestro.inventory.store import open_store
    from analytics_maestro.web import auth

    engine = open_store(settings.database_url)
    if auth.load_user(engine, user) is None:
        if not create:
            raise MaestroError(f"user {user!r} does not exist (add --create to create it)")
        auth.create_user(engine, user, user, admin)
    click.echo(f"{_base_url(settings)}/login?token={auth.login_link_token(engine, user)}")


@main.command()
@click.argument("user")
@click.option("--ttl", type=click.IntRange(60), default=3600, show_default=True, help="Seconds until it expires.")
@click.pass_obj
def token(settings: Settings, user: str, ttl: int) -> None:
    """Print a bearer token for USER, for scripts: `Authorization: Bearer <token>`."""
    from analytics_maestro.inventory.store import open_store
    from analytics_maestro.web import auth

    engine = open_store(settings.database_url)
    if auth.load_user(engine, user) is None:
        raise MaestroError(f"user {user!r} does not exist")
    click.echo(auth.issue_token(engine, auth.secret_of(settings), user, ttl))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def worker(ctx: click.Context) -> None:
    """A Celery worker on queue $MAESTRO_QUEUE, `analytics` by default (extra arguments go to
    `celery worker`)."""
    import os

    queue = ctx.obj.queue
    args = [sys.executable, "-m", "celery", "-A", "analytics_maestro", "worker", "-E", "-Q", queue, *ctx.args]
    os.execv(sys.executable, args)


if __name__ == "__main__":  # pragma: no cover
    main()
