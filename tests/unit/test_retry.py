"""runtime/retry.py with real refused connections: a port nobody listens on, then a server that
starts listening on it, as a store does when it comes back after a restart."""

from __future__ import annotations

import asyncio
import logging

import pytest
from support.http import free_port

from runtime.retry import StoreRetry

logger = logging.getLogger(__name__)


def retry(seconds: float, min_tries: int = 1) -> StoreRetry:
    return StoreRetry(
        "Test store",
        lambda error: isinstance(error, ConnectionRefusedError),
        logger,
        seconds=seconds,
        pause=0.01,
        min_tries=min_tries,
    )


def test_a_call_is_retried_until_its_store_comes_back(caplog):
    port = free_port()
    attempts = 0

    async def store_came_back() -> None:
        await asyncio.start_server(lambda reader, writer: writer.close(), "127.0.0.1", port)

    async def connect() -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 3:
            await store_came_back()
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        return "connected"

    with caplog.at_level(logging.WARNING, logger=__name__):
        assert asyncio.run(retry(seconds=30)(connect)) == "connected"
    assert attempts == 3
    assert [r.getMessage() for r in caplog.records] == [
        "Test store unreachable (ConnectionRefusedError); retrying"
    ] * 2


def test_the_error_goes_up_once_the_time_and_the_tries_are_used():
    port = free_port()
    attempts = 0

    async def connect() -> None:
        nonlocal attempts
        attempts += 1
        await asyncio.open_connection("127.0.0.1", port)

    with pytest.raises(ConnectionRefusedError):
        asyncio.run(retry(seconds=0, min_tries=3)(connect))
    assert attempts == 3


def test_an_error_that_may_have_changed_something_is_not_retried():
    attempts = 0

    async def fails() -> None:
        nonlocal attempts
        attempts += 1
        raise TimeoutError("the write may have happened")

    with pytest.raises(TimeoutError):
        asyncio.run(retry(seconds=30)(fails))
    assert attempts == 1
