"""Rasa's RedisLockStore with its read-modify-write steps made atomic.

Rasa keeps each conversation's ticket lock as one JSON value in Redis and changes it by reading
it, changing it in the process and writing it back. Two Rasa servers that do this at the same
moment for one conversation (two messages arriving together, `make test-cluster` found it) both
read the same lock: both get the same ticket, or one's write drops the other's ticket, and the two
messages are processed at once, so a turn is lost from the tracker store. Here each of those steps
(issuing a ticket, dropping expired ones, finishing one) runs under a short Redis mutex of the
conversation; everything else is Rasa's.

`LOCK_STORE_TYPE=runtime.lock_store.AtomicRedisLockStore` in the environment (endpoints.yml);
same settings as Rasa's `type: redis`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A step takes a millisecond or two; the mutex expires by itself if its holder dies.
MUTEX_TIMEOUT_S = 5.0
MUTEX_WAIT_S = 10.0


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    @contextmanager
    def exclusive(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_TIMEOUT_S,
            blocking_timeout=MUTEX_WAIT_S,
        ):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self.exclusive(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self.exclusive(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self.exclusive(conversation_id):
            super().cleanup(conversation_id, ticket_number)
