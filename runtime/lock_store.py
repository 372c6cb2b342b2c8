"""Rasa's RedisLockStore with its read-modify-write steps made atomic, and Redis restarts waited for.

Rasa keeps each conversation's ticket lock as one JSON value in Redis and changes it by reading
it, changing it in the process and writing it back. Two Rasa servers that do this at the same
moment for one conversation (two messages arriving together, `make test-cluster` found it) both
read the same lock: both get the same ticket, or one's write drops the other's ticket, and the two
messages are processed at once, so a turn is lost from the tracker store. Here each of those steps
(issuing a ticket, dropping expired ones, finishing one) runs under a short Redis mutex of the
conversation; everything else is Rasa's.

A step that cannot reach Redis (a restart: connection refused) is tried again every
RETRY_PAUSE_S, without blocking the server, for LOCK_STORE_RETRY_SECONDS, as the tracker store
waits for PostgreSQL (runtime/tracker_store.py); then its error goes up and the channel tells
the user to send the message again (runtime/channels/inbound.py). Without it every message of a
3 s Redis restart got that reply, and a person resending once a second could use up their
patience just before Redis was back (`tests/cluster/test_outages.py`, flaky).

`LOCK_STORE_TYPE=runtime.lock_store.AtomicRedisLockStore` in the environment (endpoints.yml);
same settings as Rasa's `type: redis`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore, TicketLock
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import ConnectionError as RedisConnectionError

from runtime import settings
from runtime.retry import StoreRetry

logger = logging.getLogger(__name__)

# A step takes a millisecond or two; the mutex expires by itself if its holder dies.
MUTEX_TIMEOUT_S = 5.0
MUTEX_WAIT_S = 10.0
RETRY_PAUSE_S = 0.5
# Tried at least this often whatever the clock says: on a starved CPU a few slow tries must not
# use up the time before Redis had a chance to come back.
MIN_TRIES = 4


def unreachable(error: Exception) -> bool:
    """Redis could not be reached: nothing was changed, the step can run again. (Rasa wraps the
    errors of issuing a ticket in its LockError; a timeout is not retried, it may have written.)"""
    return isinstance(error, RedisConnectionError) or (
        isinstance(error, LockError) and isinstance(error.__context__, RedisConnectionError)
    )


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)
        self.retried = StoreRetry(
            "Lock store",
            unreachable,
            logger,
            seconds=float(settings.get("LOCK_STORE_RETRY_SECONDS")),
            pause=RETRY_PAUSE_S,
            min_tries=MIN_TRIES,
        )

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

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[TicketLock]:
        """Rasa's, each of its steps retried apart: a ticket is issued once, whatever failed after."""

        async def issue() -> int:
            return self.issue_ticket(conversation_id, lock_lifetime)

        ticket = await self.retried(issue)

        async def cleanup() -> None:
            self.cleanup(conversation_id, ticket)

        try:
            yield await self.retried(
                lambda: self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            )
        finally:
            await self.retried(cleanup)
