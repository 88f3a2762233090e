"""Whose records a request works on, and whether the user may: one place for every route's permission check.

A request names an owner (`?owner=`, a user or a team; by default the user), and the user acts with
the role they hold there (Maestro's 1 read / 3 write / 7 admin). What a user may not read answers
404, exactly as what does not exist, so that another owner's ids are never revealed; what they may
read but not change answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from analytics_maestro.domain import Permission
from analytics_maestro.model import Id, Role
from analytics_maestro.web.api import ApiError, current_user, not_found

READ, WRITE, ADMIN = int(Permission.READ), int(Permission.WRITE), int(Permission.ADMIN)
MAX_OFFSET = 10**9  # past what a 64-bit OFFSET holds, the database would fail
_NAMES = {READ: "read", WRITE: "write", ADMIN: "admin"}


class OwnerQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    owner: Id | None = Field(None, description="the user or team whose records to use; by default the caller")


def owner_of(query: OwnerQuery | None) -> str:
    return (query.owner if query and query.owner else None) or current_user().id


def require_in(owner: str, needed: int) -> None:
    """The caller holds `needed` on the owner's records as a whole (to create, import, draw)."""
    held = current_user().role_in(owner)
    if held >= needed:
        return
    if held == 0:
        raise ApiError(403, "forbidden", f"you are not a member of {owner!r}")
    raise ApiError(403, "forbidden", f"{_NAMES[needed]} access to {owner!r}'s records is needed")


def require_on(what: str, owner: str, roles: Iterable[Role], needed: int) -> None:
    """The caller holds `needed` on one record; 404 when they may not even read it."""
    held = current_user().role_on(owner, roles)
    if held < READ:
        raise not_found(what)
    if held < needed:
        raise ApiError(403, "forbidden", f"{_NAMES[needed]} access to {what} is needed")
