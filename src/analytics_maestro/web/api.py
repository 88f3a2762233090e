"""The API's plumbing: routes declared with the pydantic models that validate them (and that the OpenAPI
document is generated from), authentication per route, and one JSON shape for every error.

    @operation(bp, "POST", "/graphs", "Create a graph", body=GraphCreate, responses={201: GraphOut})
    def create(body: GraphCreate): ...

Errors: `{"error": {"code": ..., "message": ..., "details": [...]}}`, with 400 for every problem of
a request at once, 401 for credentials, 403, 404 (also for what another owner has), 409, 413, 422.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, get_origin

from flask import Blueprint, Flask, current_app, g, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from analytics_maestro.errors import MaestroError
from analytics_maestro.inventory.files import parse_document
from analytics_maestro.inventory.problems import InventoryError, unstorable
from analytics_maestro.inventory.validate import path_of
from analytics_maestro.pipeline.records import GraphNotFound
from analytics_maestro.web import auth

log = logging.getLogger(__name__)
Auth = Literal["user", "private", "public"]


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: list | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _error(status: int, code: str, message: str, details: list | None = None):
    response = jsonify(error_body(code, message, details))
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="analytics-maestro"'
    return response


def _problems(exc: ValidationError, where: str) -> list[dict]:
    details = []
    for err in exc.errors(include_url=False):
        field_ = path_of(err["loc"])
        item = {"field": f"{where}.{field_}" if field_ else where, "message": err["msg"]}
        if err["type"] != "missing" and isinstance(err.get("input"), str | int | float | bool | None):
            item["value"] = err.get("input")
        details.append(item)
    return details


def register_errors(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return _error(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(auth.AuthError)
    def auth_error(exc: auth.AuthError):
        return _error(401, "unauthorized", str(exc))

    @app.errorhandler(InventoryError)
    def inventory_error(exc: InventoryError):
        details = [{"field": p.path, "message": p.message} for p in exc.problems]
        return _error(400, "invalid_request", f"{len(details)} problem(s) in the request", details)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        details = _problems(exc, "body")
        return _error(400, "invalid_request", f"{len(details)} problem(s) in the request", details)

    @app.errorhandler(GraphNotFound)
    def graph_not_found(exc: GraphNotFound):
        return _error(404, "not_found", str(exc))

    @app.errorhandler(MaestroError)
    def maestro_error(exc: MaestroError):
        return _error(400, "invalid_request", "; ".join(exc.lines()))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = re.sub(r"\W+", "_", (exc.name or "error").lower()).strip("_")
        if exc.code == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            return _error(413, code, f"the request body is larger than the limit of {limit} bytes")
        response = _error(exc.code or 500, code, exc.description or exc.name)
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # a bug: logged with its traceback, never shown
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error(500, "internal_error", "an unexpected error occurred; the service log has the details")


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # Flask's rule, with the blueprint's prefix
    summary: str
    tag: str
    auth: Auth
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, Any]  # status -> model, a media type string, or None (no body)
    description: str = ""
    body_media: tuple[str, ...] = ("application/json",)
    errors: tuple[int, ...] = field(default=())
    raw_body: bool = False


OPERATIONS: list[Operation] = []


def current_user() -> auth.User:
    return g.user


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _same_origin() -> None:
    """A change made with the session cookie must come from our own pages: browsers name the page's
    origin on such requests, and another site's does not match (the SameSite cookie is the first
    guard, this the second)."""
    origin = request.headers.get("Origin")
    if request.method in SAFE_METHODS or origin is None:
        return
    if origin.rstrip("/") != request.host_url.rstrip("/"):
        raise ApiError(403, "forbidden", f"a request from {origin} cannot use this site's session")


def _authenticate(kind: Auth) -> None:
    settings = current_app.config["MAESTRO_SETTINGS"]
    engine = current_app.extensions["maestro.store"]
    if kind == "user":
        header = request.headers.get("Authorization")
        token = request.cookies.get(auth.COOKIE) if header is None else auth.bearer(header)
        if not token:
            auth.bearer(None)
        if header is None:
            _same_origin()
        g.user = auth.user_of(engine, current_app.config["MAESTRO_SECRET"], token)
    elif kind == "private":
        if not (settings.secret_jwt_private and settings.noauth):
            raise auth.AuthError("the private scheme is not configured (MAESTRO_SECRETJWT_PRIVATE, MAESTRO_NOAUTH)")
        token = auth.bearer(request.headers.get("Authorization"), scheme="JWT")
        claims = auth.decode(token, settings.secret_jwt_private, required=("noauth",))
        if claims.get("noauth") != settings.noauth:
            raise auth.AuthError("the token's noauth claim does not match")


YAML_MEDIA = ("application/yaml", "application/x-yaml", "text/yaml")


def body_document(yaml_too: bool = False) -> Any:
    """The request's body parsed once, as JSON (or YAML where allowed and sent so), with the limits
    of inventory files on nesting and size (400 naming the limit); None without a body."""
    if "maestro_body" not in g:
        data, doc = request.get_data(), None
        if data:
            try:
                doc = parse_document(data, not (yaml_too and request.mimetype in YAML_MEDIA), "")
            except InventoryError as exc:
                details = [{"field": f"body.{p.path}" if p.path else "body", "message": p.message}
                           for p in exc.problems]  # fmt: skip
                raise ApiError(400, "invalid_request", "; ".join(map(str, exc.problems[:3])), details) from None
        g.maestro_body = doc
    return g.maestro_body


FORM = "application/x-www-form-urlencoded"


def form_body() -> dict[str, Any]:
    """A form's fields as a JSON body would give them: a field's value, or its values where it is
    repeated; a value that is a JSON object or list (`systems=[{"_id": "..."}]`) read as one."""

    def value(text: str) -> Any:
        if text[:1] in ("[", "{"):
            try:
                return json.loads(text)
            except ValueError:
                pass
        return text

    fields: dict[str, Any] = {}
    for key, values in request.form.lists():
        parsed = [value(text) for text in values]
        fields[key] = (
            parsed[0] if len(parsed) == 1 else [v for p in parsed for v in (p if isinstance(p, list) else [p])]
        )
    return fields


def json_body() -> Any:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as JSON (Content-Type: application/json)")
    data = body_document()
    return data if data is not None else {}


def _unstorable(path: dict[str, Any]) -> list[dict]:
    """Characters no store can keep, in the path, the query or a JSON body: refused with 400 here,
    before any store sees them (PostgreSQL would fail on them, SQLite would keep them)."""
    found = unstorable(path, "path") + unstorable(request.args.to_dict(flat=False), "query")
    if request.is_json:
        body_document()  # a body is checked as it is read
    return [{"field": p.path, "message": p.message} for p in found]


def _query_args(model: type[BaseModel]) -> dict[str, Any]:
    """The query string for `model`: a parameter its model lists (`list[...]`) with every value it
    is given (OpenAPI's default: `?a=1&a=2`), any other with its first."""
    lists = {name for name, field in model.model_fields.items() if get_origin(field.annotation) is list}
    return {key: request.args.getlist(key) if key in lists else request.args[key] for key in request.args}


def operation(
    blueprint: Blueprint,
    method: str,
    rule: str,
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, Any] | None = None,
    auth: Auth = "user",
    description: str = "",
    body_media: tuple[str, ...] = ("application/json",),
    errors: tuple[int, ...] = (),
    raw_body: bool = False,
) -> Callable:
    """Declare a route: authenticates, validates `query` and `body` into models passed as keyword
    arguments, and records the operation for the OpenAPI document. With `raw_body` the view reads and
    validates the body itself (`body` then only documents it)."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def handler(**path: Any):
            _authenticate(auth)
            kwargs: dict[str, Any] = dict(path)
            problems = _unstorable(path)
            if query is not None:
                try:
                    kwargs["query"] = query.model_validate(_query_args(query))
                except ValidationError as exc:
                    problems += _problems(exc, "query")
            if body is not None and not raw_body:
                form = request.mimetype == FORM and FORM in body_media
                if form:
                    problems += unstorable(request.form.to_dict(flat=False), "body")
                try:
                    kwargs["body"] = body.model_validate(form_body() if form else json_body())
                except ValidationError as exc:
                    problems += _problems(exc, "body")
            if problems:
                raise ApiError(400, "invalid_request", f"{len(problems)} problem(s) in the request", problems)
            return view(**kwargs)

        blueprint.add_url_rule(rule, view_func=handler, methods=[method])
        OPERATIONS.append(Operation(
            method, (blueprint.url_prefix or "") + rule, summary, blueprint.name, auth, body, query,
            responses or {200: None}, description or (view.__doc__ or "").strip(), body_media, errors, raw_body,
        ))  # fmt: skip
        return handler

    return wrap


def dump(model: type[BaseModel], value: Any, status: int = 200):
    """A response body through its declared model, so the OpenAPI document tells the truth."""
    response = current_app.response_class(
        model.model_validate(value).model_dump_json(by_alias=True), mimetype="application/json"
    )
    response.status_code = status
    return response
