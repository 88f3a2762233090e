"""Public links of graphs: a token that shows one graph's diagram to anyone who holds it.

Only the token's SHA-256 is kept; the token itself is shown once, when the link is made. A link
is live until it is revoked or its expiry passes; a dead link reads exactly like one that never
existed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from analytics_maestro.inventory import schema
from analytics_maestro.pipeline import records


class PublicLink(msgspec.Struct, frozen=True):
    id: str
    graph: str
    created_by: str
    created_at: float
    expires_at: float | None
    revoked_at: float | None

    def live(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def to_json(self) -> dict[str, Any]:
        return {**msgspec.structs.asdict(self), "active": self.live()}


def digest(secret: str) -> str:
    """What the store keeps of a token or a login link's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _link(row: Any) -> PublicLink:
    return PublicLink(row.id, row.graph_id, row.created_by, row.created_at, row.expires_at, row.revoked_at)


def create(engine: Engine, graph_id: str, created_by: str, expires_in: float | None = None) -> tuple[PublicLink, str]:
    """A new link to `graph_id`, and its token (shown once: only its hash is kept)."""
    token, now = secrets.token_urlsafe(24), time.time()
    link = PublicLink(uuid.uuid4().hex, graph_id, created_by, now, now + expires_in if expires_in else None, None)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(schema.public_links).values(
                id=link.id, graph_id=graph_id, token_hash=digest(token), created_by=created_by, created_at=now,
                expires_at=link.expires_at, revoked_at=None,
            )
        )  # fmt: skip
    return link, token


def list_links(engine: Engine, graph_id: str) -> list[PublicLink]:
    """The graph's links, live or not, oldest first."""
    links = schema.public_links
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(links).where(links.c.graph_id == graph_id).order_by(links.c.created_at, links.c.id)
        ).all()
    return [_link(row) for row in rows]


def revoke(engine: Engine, graph_id: str, link_id: str) -> bool:
    """End a live link of the graph; False when it has no such live link."""
    links = schema.public_links
    with engine.begin() as connection:
        done = connection.execute(
            sa.update(links)
            .where(links.c.id == link_id, links.c.graph_id == graph_id, links.c.revoked_at.is_(None))
            .values(revoked_at=time.time())
        )
    return done.rowcount == 1


def shared(engine: Engine, token: str) -> records.GraphRecord | None:
    """The graph a live link's token shows, when it has a diagram; None otherwise."""
    links = schema.public_links
    with engine.connect() as connection:
        row = connection.execute(sa.select(links).where(links.c.token_hash == digest(token))).one_or_none()
    if row is None or not _link(row).live():
        return None
    try:
        graph = records.get(engine, row.graph_id)
    except records.GraphNotFound:
        return None
    return graph if graph.published_run else None
