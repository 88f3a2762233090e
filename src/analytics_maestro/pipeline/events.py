"""Progress events of graph runs, for the viewer's live progress: in-process under the local runner,
on Redis under Celery."""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections import defaultdict

log = logging.getLogger(__name__)


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


class RedisEvents:
    """Progress events on Redis pub/sub, channel `maestro:graph:<id>`, as JSON: what Celery's
    workers publish and every process of the API reads."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)

    def publish(self, event: dict) -> None:
        try:
            self.client.publish(f"maestro:graph:{event['graph']}", json.dumps(event))
        except Exception:  # progress is a courtesy: a lost event never fails a run
            log.warning("could not publish a progress event", exc_info=True)

    def subscribe(self, graph_id: str) -> RedisInbox:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(f"maestro:graph:{graph_id}")
        return RedisInbox(pubsub)

    def unsubscribe(self, graph_id: str, inbox: RedisInbox) -> None:
        inbox.pubsub.close()


class RedisInbox:
    """A subscription read like the local queues: `get(timeout)`, queue.Empty when quiet."""

    def __init__(self, pubsub):
        self.pubsub = pubsub

    def get(self, timeout: float) -> dict:
        message = self.pubsub.get_message(timeout=timeout)
        if message is None:
            raise queue.Empty
        return json.loads(message["data"])
