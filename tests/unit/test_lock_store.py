"""runtime/lock_store.py without a Redis: a port nobody listens on refuses for real. What a
Redis restart does to a message on the cluster is tests/cluster/test_outages.py."""

from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from support.http import free_port

from runtime import lock_store
from runtime.lock_store import MIN_TRIES, AtomicRedisLockStore, unreachable


def wrapped_as_rasa_does() -> LockError:
    """Rasa's issue_ticket raises a LockError while handling the Redis error."""
    try:
        try:
            raise RedisConnectionError("refused")
        except RedisConnectionError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}")  # noqa: B904
    except LockError as error:
        return error


def test_a_refused_connection_is_retried_a_timeout_or_another_error_is_not():
    assert unreachable(RedisConnectionError("refused")) and unreachable(wrapped_as_rasa_does())
    assert not unreachable(RedisTimeoutError("may have written")) and not unreachable(ValueError())
    assert not unreachable(LockError("Could not acquire lock"))


def test_a_message_waits_for_redis_then_its_error_goes_up(monkeypatch, caplog):
    monkeypatch.setenv("LOCK_STORE_RETRY_SECONDS", "0")  # the budget is then MIN_TRIES tries
    monkeypatch.setattr(lock_store, "RETRY_PAUSE_S", 0.01)
    store = AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=free_port(), db=1))

    async def message() -> None:
        async with store.lock("a-conversation"):
            pytest.fail("processed without a lock")

    with caplog.at_level(logging.WARNING, logger=lock_store.__name__), pytest.raises(RedisConnectionError):
        asyncio.run(message())
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == ["Lock store unreachable (ConnectionError); retrying"] * (MIN_TRIES - 1)
