"""Account routes: log in with a one-time link, who am I, users (site admins) and team members (team admins)."""

from __future__ import annotations

import threading
import time
from collections import deque

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, request
from pydantic import BaseModel, ConfigDict, Field

from analytics_maestro.domain import Permission
from analytics_maestro.errors import IdTaken
from analytics_maestro.inventory import schema
from analytics_maestro.model import Id, Text
from analytics_maestro.web import auth, pages
from analytics_maestro.web.api import ApiError, current_user, dump, not_found, operation
from analytics_maestro.web.owners import ADMIN

bp = Blueprint("accounts", __name__)


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200, description="the secret of a one-time login link")


class Token(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    user: str


class Membership(BaseModel):
    team: str
    role: int


class Me(BaseModel):
    id: str
    name: str
    admin: bool
    teams: list[Membership]
    principals: list[str]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    name: Text = ""
    admin: bool = False


class UserOut(BaseModel):
    id: str
    name: str
    admin: bool


class UserCreated(UserOut):
    login_url: str


class UserList(BaseModel):
    items: list[UserOut]


class LoginLink(BaseModel):
    login_url: str


class MemberSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Permission = Field(description="1 read, 3 write, 7 admin on the team's records")


class Member(BaseModel):
    team: str
    user: str
    role: int


class MemberList(BaseModel):
    items: list[Member]


def _engine():
    return current_app.extensions["maestro.store"]


def login_url(user_id: str) -> str:
    return request.host_url.rstrip("/") + "/login?token=" + auth.login_link_token(_engine(), user_id)


def _issue(user_id: str):
    settings = current_app.config["MAESTRO_SETTINGS"]
    token = auth.issue_token(_engine(), current_app.config["MAESTRO_SECRET"], user_id, settings.token_ttl)
    return token, settings.token_ttl


def _set_cookie(response, token: str, ttl: int):
    response.set_cookie(auth.COOKIE, token, max_age=ttl, httponly=True, samesite="Lax", secure=request.is_secure)
    return response


class Attempts:
    """Failed logins per client address over the last `window` seconds, in this worker process:
    past `most` of them, the address waits (429) until the oldest leaves the window. Login links
    are too long to guess, but nobody should be able to try 447 a second."""

    def __init__(self, most: int = 20, window: float = 60.0):
        self.most, self.window = most, window
        self._failed: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, who: str) -> None:
        now = time.monotonic()
        with self._lock:
            seen = self._failed.get(who)
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if seen is not None and not seen:
                del self._failed[who]
            elif seen is not None and len(seen) >= self.most:
                wait = int(seen[0] + self.window - now) + 1
                raise ApiError(429, "too_many_requests", f"too many failed logins from {who}; try again in {wait} s")

    def failed(self, who: str) -> None:
        with self._lock:
            self._failed.setdefault(who, deque()).append(time.monotonic())


def _redeem(token: str) -> str:
    """The login link's user, counted against the client's failed attempts."""
    attempts, who = current_app.extensions["maestro.logins"], request.remote_addr or "unknown"
    attempts.check(who)
    try:
        return auth.redeem_login(_engine(), token)
    except auth.AuthError:
        attempts.failed(who)
        raise


@operation(bp, "POST", "/login", "Exchange a login link's secret for a token", auth="public",
           body=Login, responses={200: Token}, errors=(401, 429))  # fmt: skip
def login(body: Login):
    """Each login link works once. The token also comes as an HTTP-only cookie, for the browser."""
    user = _redeem(body.token)
    token, ttl = _issue(user)
    return _set_cookie(dump(Token, {"access_token": token, "expires_in": ttl, "user": user}), token, ttl)


@operation(bp, "GET", "/login", "Open a login link in the browser", auth="public", responses={200: "text/html"})
def login_page():
    """A page with one button that logs in with the link. Opening the link logs nobody in by itself:
    another site could otherwise open its own link in your browser and have you work in its account
    (login CSRF). Scripts exchange the secret with `POST /login`."""
    return pages.confirm_login(request.args.get("token", ""))


@operation(bp, "POST", "/login/browser", "Log in from the login page", auth="public", raw_body=True,
           body=Login, body_media=("application/x-www-form-urlencoded",),
           responses={302: None, 401: "text/html"}, errors=(403, 429))  # fmt: skip
def login_browser():
    """The login page's button: uses the link up, sets the session cookie and goes to the start page.
    Only from this site's own page (another site's form is refused); a used or expired link gets
    the login page with the reason."""
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
        raise ApiError(403, "forbidden", f"a login cannot be started from {origin}")
    try:
        user = _redeem(request.form.get("token", ""))
    except auth.AuthError as exc:
        return pages.login_page(str(exc))
    token, ttl = _issue(user)
    return _set_cookie(redirect("/", code=302), token, ttl)


@operation(bp, "POST", "/logout", "Forget the session cookie", auth="public", responses={204: None})
def logout():
    """Ends the session, and every other token of its user, when the request carries one; always
    forgets the cookie."""
    header = request.headers.get("Authorization")
    token = request.cookies.get(auth.COOKIE) if header is None else auth.bearer(header)
    if token:
        try:
            user = auth.user_of(_engine(), current_app.config["MAESTRO_SECRET"], token)
        except auth.AuthError:
            pass  # ended already, or never valid: nothing to end
        else:
            auth.end_sessions(_engine(), user.id)
    response = current_app.response_class(status=204)
    response.delete_cookie(auth.COOKIE)
    return response


@operation(bp, "GET", "/me", "Who am I", responses={200: Me})
def me():
    user = current_user()
    teams = [{"team": team, "role": role} for team, role in sorted(user.teams.items())]
    return dump(Me, {"id": user.id, "name": user.name, "admin": user.admin, "teams": teams,
                     "principals": list(user.principals)})  # fmt: skip


def _site_admin() -> None:
    if not current_user().admin:
        raise ApiError(403, "forbidden", "only a site administrator manages users")


@operation(bp, "POST", "/users", "Create a user", body=UserCreate, responses={201: UserCreated}, errors=(409,))
def create_user(body: UserCreate):
    """Site administrators only. The answer carries a one-time login link for the new user."""
    _site_admin()
    try:
        created = auth.create_user(_engine(), body.id, body.name, body.admin)
    except IdTaken as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    if not created:
        raise ApiError(409, "conflict", f"user {body.id!r} exists already")
    out = {"id": body.id, "name": body.name or body.id, "admin": body.admin, "login_url": login_url(body.id)}
    return dump(UserCreated, out, 201)


@operation(bp, "GET", "/users", "List users", responses={200: UserList})
def list_users():
    _site_admin()
    with _engine().connect() as connection:
        rows = connection.execute(sa.select(schema.users).order_by(schema.users.c.id)).all()
    return dump(UserList, {"items": [{"id": r.id, "name": r.name, "admin": r.admin} for r in rows]})


@operation(bp, "DELETE", "/users/<user_id>", "Delete a user", responses={204: None})
def delete_user(user_id):
    """Their records stay, under their id; their tokens stop working at once."""
    _site_admin()
    if user_id == current_user().id:
        raise ApiError(409, "conflict", "you cannot delete yourself")
    with _engine().begin() as connection:
        done = connection.execute(sa.delete(schema.users).where(schema.users.c.id == user_id))
    if done.rowcount != 1:
        raise not_found(f"user {user_id!r}")
    return "", 204


@operation(bp, "POST", "/users/<user_id>/login-link", "A new one-time login link", responses={200: LoginLink})
def new_login_link(user_id):
    _site_admin()
    if auth.load_user(_engine(), user_id) is None:
        raise not_found(f"user {user_id!r}")
    return dump(LoginLink, {"login_url": login_url(user_id)})


def _team_admin(team: str) -> None:
    user = current_user()
    if user.admin or user.teams.get(team, 0) >= ADMIN:
        return
    if team in user.teams:
        raise ApiError(403, "forbidden", f"the admin role in team {team!r} is needed")
    raise not_found(f"team {team!r}")


def _members(team: str) -> list[dict]:
    members = schema.team_members
    with _engine().connect() as connection:
        rows = connection.execute(sa.select(members).where(members.c.team_id == team).order_by(members.c.user_id)).all()
    return [{"team": r.team_id, "user": r.user_id, "role": r.role} for r in rows]


@operation(bp, "GET", "/teams/<team>/members", "List a team's members", responses={200: MemberList})
def list_members(team):
    if not (current_user().admin or team in current_user().teams):
        raise not_found(f"team {team!r}")
    return dump(MemberList, {"items": _members(team)})


@operation(bp, "PUT", "/teams/<team>/members/<user_id>", "Add a member or change their role", body=MemberSet,
           responses={200: Member}, errors=(409,))  # fmt: skip
def set_member(team, user_id, body: MemberSet):
    """Team admins and site admins. A new team is made by adding its first member (a site admin);
    a user's id cannot be a team's (409)."""
    if _members(team):
        _team_admin(team)
    else:
        _site_admin()
    if auth.load_user(_engine(), user_id) is None:
        raise not_found(f"user {user_id!r}")
    try:
        auth.set_member(_engine(), team, user_id, int(body.role))
    except IdTaken as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return dump(Member, {"team": team, "user": user_id, "role": int(body.role)})


@operation(bp, "DELETE", "/teams/<team>/members/<user_id>", "Remove a member", responses={204: None})
def remove_member(team, user_id):
    _team_admin(team)
    if not any(m["user"] == user_id for m in _members(team)):
        raise not_found(f"member {user_id!r} of team {team!r}")
    auth.set_member(_engine(), team, user_id, None)
    return "", 204
