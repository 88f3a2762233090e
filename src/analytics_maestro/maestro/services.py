"""Maestro Server's services as a graph run calls them in Maestro mode: the Data App (the inventory,
and the graph's status), the Analytics Front (the drawn SVG) and the websocket service (Centrifugo).

Every call has a timeout and is tried again with a doubling backoff when it could not connect,
timed out or was answered with a 5xx (urllib3's `Retry`, in both runners); after the last try it
raises `ServiceError`, whose message names the service, its address and what went wrong.

The Data App is called with `Authorization: JWT <token>`, the token (HS256 over
MAESTRO_SECRETJWT_PRIVATE) carrying this service's name, description, version and license and the
claim `noauth` equal to MAESTRO_NOAUTH, as Maestro's services sign their calls to each other. The
front is called with a token of `{token: MAESTRO_NOAUTH, graph_id, owner_id}`, the websocket
service with `Authorization: apikey <MAESTRO_WEBSOCKET_SECRET>`. The Data App pages its lists
(`limit`, `page`; 200 a page unless told): `records` reads every page.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

import jwt
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from analytics_maestro.config import Maestro, Settings
from analytics_maestro.errors import MaestroError

log = logging.getLogger(__name__)

PAGE = 200  # records asked for per page of a Data App list, its own default
MAX_PAGES = 100_000  # a Data App that keeps answering full pages past this is not believed


class ServiceError(MaestroError, RuntimeError):
    """A Maestro service could not be reached, or refused a call, after every try."""


def about() -> dict[str, str]:
    """This service's name, description, version and license, as `GET /` answers them and as the
    Data App's token carries them (Maestro's services name themselves so)."""
    from importlib.metadata import metadata

    meta = metadata("analytics-maestro")
    return {
        "name": "analytics-maestro",
        "description": meta["Summary"] or "",
        "version": meta["Version"],
        "license": meta.get("License-Expression") or meta.get("License") or "",
    }


class Services:
    """The three services of one Maestro deployment, as the settings name them."""

    def __init__(self, maestro: Maestro, secret: str, noauth: str):
        self.maestro, self.secret, self.noauth = maestro, secret, noauth
        self.session = requests.Session()
        retry = Retry(
            total=maestro.retries, connect=maestro.retries, read=maestro.retries, status=maestro.retries,
            backoff_factor=maestro.backoff, status_forcelist=(500, 502, 503, 504), allowed_methods=None,
            raise_on_status=False, respect_retry_after_header=False,
        )  # fmt: skip
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self._data_token = jwt.encode({**about(), "noauth": noauth}, secret, algorithm="HS256")

    @classmethod
    def of(cls, settings: Settings) -> Services | None:
        """The services of Maestro mode, or None outside it."""
        if settings.maestro is None:
            return None
        assert settings.secret_jwt_private and settings.noauth, "Maestro mode has default secrets"
        return cls(settings.maestro, settings.secret_jwt_private, settings.noauth)

    def _call(self, service: str, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=self.maestro.timeout, **kwargs)
        except requests.exceptions.RetryError as exc:
            raise ServiceError(f"the {service} at {url} kept failing: {_reason(exc)}") from None
        except requests.exceptions.Timeout:
            raise ServiceError(f"the {service} at {url} did not answer within {self.maestro.timeout:g} s") from None
        except requests.exceptions.RequestException as exc:
            raise ServiceError(f"the {service} at {url} could not be reached: {_reason(exc)}") from None
        if response.status_code >= 400:
            raise ServiceError(f"the {service} at {url} answered {response.status_code}: {_body(response)}")
        return response

    def _data(self, method: str, path: str, body: Mapping[str, Any]) -> Any:
        url = f"{self.maestro.data_uri}/{path}"
        response = self._call("Data App", method, url, json=body, headers={"Authorization": f"JWT {self._data_token}"})
        try:
            return response.json()
        except ValueError:
            raise ServiceError(f"the Data App at {url} answered with something that is not JSON") from None

    # ---- the Data App

    def records(self, entity: str, query: Mapping[str, Any]) -> Iterator[dict]:
        """Every record of a Data App list (`POST /<entity>`) matching `query`, page after page."""
        seen = 0
        for page in range(1, MAX_PAGES + 1):
            answer = self._data("POST", entity, {"query": json.dumps(query, sort_keys=True), "limit": PAGE,
                                                 "page": page})  # fmt: skip
            items = answer.get("items") if isinstance(answer, dict) else None
            if not isinstance(items, list):
                raise ServiceError(f"the Data App's {entity} answered without a list of items")
            yield from (item for item in items if isinstance(item, dict))
            seen += len(items)
            found = answer.get("found")
            if not items or (isinstance(found, int) and seen >= found) or len(items) < answer.get("limit", PAGE):
                return
        raise ServiceError(f"the Data App's {entity} answered more than {MAX_PAGES} pages")

    def aggregate(self, entity: str, pipeline: list[dict]) -> list[dict]:
        """The result of an aggregation pipeline over `entity` (`POST /aggregate`)."""
        answer = self._data("POST", "aggregate", {"entity": entity, "pipeline": json.dumps(pipeline, sort_keys=True)})
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise ServiceError("the Data App's aggregate answered without a list of items")
        return [item for item in items if isinstance(item, dict)]

    def notify(self, graph_id: str, fields: Mapping[str, Any]) -> None:
        """The graph's status, message and statistics, written to the Data App (`PUT /graphs`)."""
        self._data("PUT", "graphs", {"body": [{"_id": graph_id, **fields}]})

    # ---- the Analytics Front and the websocket service

    def push(self, graph_id: str, owner_id: str, svg: str, total: int) -> None:
        """The drawn diagram to the Analytics Front (`POST /graphs`, form-encoded), which keeps it
        and marks the graph finished."""
        token = jwt.encode({"token": self.noauth, "graph_id": graph_id, "owner_id": owner_id}, self.secret,
                           algorithm="HS256")  # fmt: skip
        self._call("Analytics Front", "POST", f"{self.maestro.front_uri}/graphs",
                   data={"payload": svg, "total": str(total)}, headers={"Authorization": f"JWT {token}"})  # fmt: skip

    def announce(self, graph_id: str, owner_id: str, kind: str, message: str) -> None:
        """A notice to the owner's browsers through the websocket service (a Centrifugo `publish`
        on `maestro-<owner>`); `kind` is success, warning or danger."""
        body = {
            "method": "publish",
            "params": {
                "channel": f"maestro-{owner_id}",
                "data": {
                    "notify": {"title": "Finish Graph", "msg": message, "type": kind},
                    "event": {"caller": ["analytics-update", f"analytics-{graph_id}"]},
                },
            },
        }
        self._call("websocket service", "POST", f"{self.maestro.websocket_uri}/api", json=body,
                   headers={"Authorization": f"apikey {self.maestro.websocket_secret}"})  # fmt: skip


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests error, in a few words (no addresses twice, no traceback)."""
    while exc.__context__ is not None and exc.args and not isinstance(exc.args[0], str):
        exc = exc.__context__
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    if "Max retries exceeded" in text and "(Caused by " in text:
        text = text.split("(Caused by ", 1)[1].rstrip(")")
    return text[:300]


def _body(response: requests.Response) -> str:
    text = " ".join(response.text.split())
    return text[:300] or response.reason or "no message"
