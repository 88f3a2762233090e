"""The OpenAPI 3.1 document, generated from the declared operations and their pydantic models, and a
readable reference page made from the same document (no CDN, no script)."""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

from flask import Blueprint, render_template
from pydantic import BaseModel

from analytics_maestro.web.api import OPERATIONS, Operation

bp = Blueprint("openapi", __name__)
REF = "#/components/schemas/{model}"
_STATUS_TEXT = {
    400: "The request is not valid: every problem is listed in `details`",
    401: "Credentials are missing, malformed or expired",
    403: "The caller's role is not enough",
    404: "Not found, or not the caller's to see",
    409: "Conflicts with the current state",
    413: "The body is larger than the limit",
    415: "The body's media type is not accepted",
    422: "Understood, but nothing can be done with it (see `details`)",
    429: "Too many attempts from this address: wait as the message says",
    501: "The run could not be queued (Maestro's own answer for it)",
}
SECURITY = {
    "user": [{"bearer": []}, {"cookie": []}],
    "private": [{"maestroPrivate": []}],
    "public": [],
}


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str
    value: Any = None
    level: str | None = None


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class Error(BaseModel):
    error: ErrorInfo


def _schema(model: type[BaseModel], components: dict, mode: str) -> dict:
    schema = model.model_json_schema(ref_template=REF, mode=mode, by_alias=True)
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault(model.__name__, schema)
    return {"$ref": REF.format(model=model.__name__)}


def _path(rule: str) -> tuple[str, list[str]]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", rule)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule), names


def _parameters(op: Operation, names: list[str], components: dict) -> list[dict]:
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
              for n in names]  # fmt: skip
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF)
        for name, prop in schema.get("properties", {}).items():
            description = prop.pop("description", None)
            param = {"name": name, "in": "query", "required": name in schema.get("required", ()), "schema": prop}
            if description:
                param["description"] = description
            params.append(param)
        for definition_name, definition in schema.get("$defs", {}).items():
            components.setdefault(definition_name, definition)
    return params


def _responses(op: Operation, path: str, components: dict) -> dict:
    out: dict[str, Any] = {}
    for status, model in op.responses.items():
        entry: dict[str, Any] = {"description": "Success" if status < 300 else "Redirect"}
        if isinstance(model, str):
            entry["content"] = {model: {"schema": {"type": "string", "format": "binary"} if "image" in model else {}}}
        elif model is not None:
            entry["content"] = {"application/json": {"schema": _schema(model, components, "serialization")}}
        out[str(status)] = entry
    error = {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}
    statuses = {*op.errors} | ({401, 403} if op.auth != "public" else set())
    if op.query is not None or op.body is not None:
        statuses.add(400)
    if "{" in path:
        statuses.add(404)
    if op.body is not None:
        statuses |= {413, 415}
    if op.auth == "private":
        statuses -= {403}
    for status in sorted(statuses):
        out[str(status)] = {"description": _STATUS_TEXT[status], "content": error}
    return out


def document() -> dict:
    components: dict[str, Any] = {}
    _schema(Error, components, "serialization")
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path, names = _path(op.rule)
        slug = re.sub(r"\W+", "_", path).strip("_")
        item: dict[str, Any] = {
            "operationId": f"{op.tag}_{op.method.lower()}_{slug}",
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": _parameters(op, names, components),
            "responses": _responses(op, path, components),
            "security": SECURITY[op.auth],
        }
        if op.description:
            item["description"] = op.description
        if op.body is not None:
            schema = _schema(op.body, components, "validation")
            item["requestBody"] = {"required": True, "content": {media: {"schema": schema} for media in op.body_media}}
        paths.setdefault(path, {})[op.method.lower()] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Analytics Maestro",
            "version": version("analytics-maestro"),
            "description": "Business architecture diagrams from an inventory of applications, dependencies "
            'and servers. Every error has one shape: `{"error": {"code", "message", "details"}}`; a 400 lists '
            "every problem of the request in `details`, each with its field.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "maestro_token"},
                "maestroPrivate": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Maestro Server's private scheme: `JWT <token>`, HS256 with "
                    "MAESTRO_SECRETJWT_PRIVATE, claim `noauth` equal to MAESTRO_NOAUTH",
                },
            },
        },
    }


@bp.app_template_filter("groupby_tag")
def groupby_tag(paths) -> list[tuple[str, list[tuple[str, str, dict]]]]:
    """Operations grouped by tag, in the order tags first appear."""
    groups: dict[str, list] = {}
    for path, item in paths:
        for method, op in item.items():
            groups.setdefault(op["tags"][0], []).append((path, method, op))
    return list(groups.items())


@bp.app_template_filter("schema_type")
def schema_type(schema: dict) -> str:
    """A schema in a few words: `Application`, `integer`, `string | null`, `list of GraphOut`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(schema_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return "list of " + schema_type(schema.get("items", {}))
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    return str(schema.get("type", "any"))


@bp.get("/openapi.json")
def openapi_json():
    return document()


@bp.get("/reference")
def reference():
    """The API reference as a page: every operation with its parameters, body and answers."""
    doc = document()
    return render_template("reference.html", doc=doc, schemas=doc["components"]["schemas"])
