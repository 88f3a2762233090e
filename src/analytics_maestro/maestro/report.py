"""What a graph run tells Maestro Server in Maestro mode, at the stages where the original did.

    publish       the SVG to the Analytics Front (which keeps it and marks the graph finished)
    notification  status, message and statistics to the Data App, then a notice on the websocket
    any failure   status `error` and a message naming the stage to the Data App, a `danger` notice

The notice on the websocket only tells the owner's open pages to look again: it is sent once the
Data App holds the outcome, and a websocket service that does not answer is logged, not made the
run's failure (the graph's status is already right where Maestro reads it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from analytics_maestro.analytics.info import maestro_names
from analytics_maestro.maestro.services import ServiceError, Services
from analytics_maestro.render.exports import with_xlink

log = logging.getLogger(__name__)

# the original's messages for a diagram with nothing to draw, which Maestro's front shows as they are
EMPTY_ENTRY = "Empty entry point"
EMPTY_DEPENDENCIES = "Empty dependencies"
KINDS = {"finished": "success", "warning": "warning", "error": "danger"}


def publish(services: Services, graph_id: str, owner_id: str, svg: str, total: int) -> None:
    """The diagram to the front, with `xlink:href` beside every `href` for its older rasteriser; a
    diagram of nothing is not sent (the Data App gets the warning)."""
    if total:
        services.push(graph_id, owner_id, with_xlink(svg), total)


def outcome(services: Services, graph_id: str, owner_id: str, status: str, message: str, stats: Mapping) -> None:
    """The run's outcome to the Data App, the statistics in its shapes, with the systems and clients
    as the Data App holds them; then the notice."""
    systems, clients = _references(services, owner_id, stats["systems"])
    services.notify(graph_id, {"status": status, "msg": message, **maestro_names(stats, systems, clients)})
    announce(services, graph_id, owner_id, status)


def failed(services: Services, graph_id: str, owner_id: str, message: str) -> None:
    """A failed run, told to the Data App and the owner's pages as far as they can be reached."""
    try:
        services.notify(graph_id, {"status": "error", "msg": message})
    except ServiceError as exc:
        log.error("graph %s: the failure could not be told to the Data App: %s", graph_id, exc)
    announce(services, graph_id, owner_id, "error")


def announce(services: Services, graph_id: str, owner_id: str, status: str) -> None:
    try:
        services.announce(graph_id, owner_id, KINDS.get(status, "warning"), f"({graph_id})")
    except ServiceError as exc:
        log.warning("graph %s: no notice on the websocket: %s", graph_id, exc)


def _references(services: Services, owner_id: str, systems: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """The diagram's systems as `{_id, name}`, and their clients (each once), read from the Data App."""
    if not systems:
        return [], []
    found: dict[str, dict] = {}
    clients: dict[str, dict] = {}
    query = {"roles._id": owner_id, "active": True, "_id": sorted(systems)}
    for doc in services.records("systems", query):
        ident = doc.get("_id")
        if isinstance(ident, str):
            found[ident] = _reference(doc)
            for client in doc.get("clients") or ():
                if isinstance(client, dict) and isinstance(client.get("_id"), str):
                    clients.setdefault(client["_id"], _reference(client))
    return [found.get(s, {"_id": s}) for s in systems], [clients[k] for k in sorted(clients)]


def _reference(doc: Mapping[str, Any]) -> dict:
    return {key: doc[key] for key in ("_id", "name") if isinstance(doc.get(key), str)}
