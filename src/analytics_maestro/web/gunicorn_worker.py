"""gunicorn's worker for `serve`: its threaded worker, with the errors gunicorn answers itself — a
request line or headers past its limits (414, 431), a malformed request (400) — in the API's error
shape, `{"error": {"code", "message", "details"}}` as JSON, rather than an HTML page.

gunicorn writes those answers through `gunicorn.util.write_error`; importing this module (which
gunicorn does, to find the worker class `serve` names) puts the JSON writer in its place.
"""

from __future__ import annotations

import json
import re

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's error answer, as the API's JSON error (ASCII, so any message fits latin-1)."""
    code = re.sub(r"[^a-z0-9]+", "_", reason.lower()).strip("_")
    body = json.dumps({"error": {"code": code, "message": mesg or reason, "details": []}})
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    util.write_nonblock(sock, (head + body).encode("latin-1"))


util.write_error = write_json_error


class JsonErrorsWorker(ThreadWorker):
    """The gthread worker; its errors are written by `write_json_error`."""
