"""Progress events of graph runs, for the viewer's live progress: in-process under the local runner."""

from __future__ import annotations

import queue
import threading
from collections import defaultdict


class LocalEvents:
    """Publish/subscribe within one process; each subscriber gets its own queue."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, list[queue.Queue]] = defaultdict(list)

    def subscribe(self, graph_id: str) -> queue.Queue:
        inbox: queue.Queue = queue.Queue()
        with self._lock:
            self._subscribers[graph_id].append(inbox)
        return inbox

    def unsubscribe(self, graph_id: str, inbox: queue.Queue) -> None:
        with self._lock:
            if inbox in self._subscribers.get(graph_id, []):
                self._subscribers[graph_id].remove(inbox)

    def publish(self, event: dict) -> None:
        with self._lock:
            inboxes = list(self._subscribers.get(event["graph"], ()))
        for inbox in inboxes:
            inbox.put(event)
