"""Who is asking: users and teams in the store, JWT bearer tokens, one-time login links, Maestro's private scheme.

A user's principals are their own id and their teams'. On the records of an owner, a user holds
the role their membership gives (their own records: admin; a team's: the member's role), raised by
any grant the record carries for one of their principals (Maestro's 1 read / 3 write / 7 admin).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jwt
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from analytics_maestro.config import Settings
from analytics_maestro.domain import Permission
from analytics_maestro.errors import IdTaken, MaestroError
from analytics_maestro.inventory import schema
from analytics_maestro.model import Role
from analytics_maestro.pipeline.links import digest

ALGORITHM = "HS256"
LOGIN_LINK_TTL = 24 * 3600.0
COOKIE = "maestro_token"


class AuthError(MaestroError):
    """Missing, malformed or expired credentials: HTTP 401."""


@dataclass(frozen=True)
class User:
    id: str
    name: str
    admin: bool = False
    teams: dict[str, int] = field(default_factory=dict)  # team id -> role

    @property
    def principals(self) -> tuple[str, ...]:
        return (self.id, *sorted(self.teams))

    def role_in(self, owner: str) -> int:
        """The role the user holds on every record of `owner` (0: none)."""
        return int(Permission.ADMIN) if owner == self.id else self.teams.get(owner, 0)

    def role_on(self, owner: str, roles: Iterable[Role] = ()) -> int:
        """The role on one record: by membership, or by a grant on the record to a principal."""
        granted = [int(role.role) for role in roles if role.id in self.principals]
        return max([self.role_in(owner), *granted])


def secret_of(settings: Settings) -> str:
    """MAESTRO_SECRETJWT, or a secret generated once and kept under the var folder (mode 0600):
    never a default secret, and tokens survive a restart."""
    if settings.secret_jwt:
        return settings.secret_jwt
    path = Path(settings.var_dir) / "secret-jwt"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def issue_token(engine: Engine, secret: str, user_id: str, ttl: float) -> str:
    """A bearer token for an existing user, carrying the user's session key (see `end_sessions`)."""
    with engine.connect() as connection:
        key = connection.execute(
            sa.select(schema.users.c.session_key).where(schema.users.c.id == user_id)
        ).scalar_one_or_none()
    if key is None:
        raise AuthError(f"user {user_id!r} does not exist")
    now = int(time.time())
    claims = {"sub": user_id, "iat": now, "exp": now + int(ttl), "key": key}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def end_sessions(engine: Engine, user_id: str) -> None:
    """End every token and session of the user: they carry the old key, which matches no more."""
    with engine.begin() as connection:
        connection.execute(
            sa.update(schema.users).where(schema.users.c.id == user_id).values(session_key=secrets.token_hex(16))
        )


def decode(token: str, secret: str, required: tuple[str, ...] = ("exp", "sub", "key")) -> dict:
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": list(required)})
    except jwt.ExpiredSignatureError:
        raise AuthError("the token has expired") from None
    except jwt.MissingRequiredClaimError as exc:
        raise AuthError(f"the token lacks the claim {exc.claim!r}") from None
    except jwt.InvalidTokenError:
        raise AuthError("the token is not valid") from None


def bearer(header: str | None, scheme: str = "Bearer") -> str:
    """The token of an `Authorization: <scheme> <token>` header; AuthError for anything else."""
    if not header:
        raise AuthError(f"credentials are missing: send 'Authorization: {scheme} <token>'")
    given, _, token = header.partition(" ")
    if given.lower() != scheme.lower() or not token.strip():
        raise AuthError(f"the Authorization header is malformed: expected '{scheme} <token>'")
    return token.strip()


def load_user(engine: Engine, user_id: str, session_key: str | None = None) -> User | None:
    """The user, or None when there is none (or, given a session key, when it is not theirs now)."""
    with engine.connect() as connection:
        row = connection.execute(sa.select(schema.users).where(schema.users.c.id == user_id)).one_or_none()
        if row is None or (session_key is not None and row.session_key != session_key):
            return None
        members = schema.team_members
        teams = dict(connection.execute(
            sa.select(members.c.team_id, members.c.role).where(members.c.user_id == user_id)
        ).all())  # fmt: skip
    return User(row.id, row.name, bool(row.admin), teams)


def user_of(engine: Engine, secret: str, token: str) -> User:
    claims = decode(token, secret)
    user = load_user(engine, str(claims["sub"]), str(claims["key"]))
    if user is None:
        raise AuthError("the session has ended (logged out, or the user was made anew); log in again")
    return user


def create_user(engine: Engine, user_id: str, name: str = "", admin: bool = False) -> bool:
    """A new user; False when the user exists, IdTaken when the id is a team's."""
    with engine.begin() as connection:
        taken = connection.execute(sa.select(schema.users.c.id).where(schema.users.c.id == user_id)).first()
        if taken:
            return False
        if connection.execute(sa.select(schema.teams.c.id).where(schema.teams.c.id == user_id)).first():
            raise IdTaken(f"{user_id!r} is a team: a user cannot have a team's id")
        connection.execute(sa.insert(schema.users).values(id=user_id, name=name or user_id, admin=admin,
                                                          created_at=time.time(),
                                                          session_key=secrets.token_hex(16)))  # fmt: skip
    return True


def has_users(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(sa.select(schema.users.c.id).limit(1)).first() is not None


def set_member(engine: Engine, team: str, user_id: str, role: int | None) -> None:
    """Add a user to a team with `role` (making the team with its first member), change the role,
    or (None) remove them. IdTaken when `team` is a user's id."""
    members, teams = schema.team_members, schema.teams
    with engine.begin() as connection:
        if role is not None and not connection.execute(sa.select(teams.c.id).where(teams.c.id == team)).first():
            if connection.execute(sa.select(schema.users.c.id).where(schema.users.c.id == team)).first():
                raise IdTaken(f"{team!r} is a user: a team cannot have a user's id")
            connection.execute(sa.insert(teams).values(id=team, created_at=time.time()))
        connection.execute(sa.delete(members).where(members.c.team_id == team, members.c.user_id == user_id))
        if role is not None:
            connection.execute(sa.insert(members).values(team_id=team, user_id=user_id, role=role))


def login_link_token(engine: Engine, user_id: str, ttl: float = LOGIN_LINK_TTL) -> str:
    """A secret for a one-time login link; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(sa.delete(schema.login_tokens).where(schema.login_tokens.c.expires_at < time.time()))
        connection.execute(sa.insert(schema.login_tokens).values(hash=digest(token), user_id=user_id,
                                                                 expires_at=time.time() + ttl))  # fmt: skip
    return token


def redeem_login(engine: Engine, token: str) -> str:
    """The user of a login link, which is used up; AuthError when unknown, used or expired."""
    table = schema.login_tokens
    with engine.begin() as connection:
        row = connection.execute(
            sa.delete(table).where(table.c.hash == digest(token)).returning(table.c.user_id, table.c.expires_at)
        ).one_or_none()
    if row is None or row.expires_at < time.time():
        raise AuthError("the login link is unknown, used or expired; ask for a new one")
    return row.user_id
