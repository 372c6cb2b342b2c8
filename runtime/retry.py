"""Waiting out a store's restart (PostgreSQL, Redis) without blocking the server.

A call that failed because its store could not be reached changed nothing, so it is tried again
every `pause` seconds for `seconds`, and at least `min_tries` times: on a starved CPU a few slow
tries must not use up the time before the store had a chance to come back. Then its error goes
up, and the channel tells the user to send the message again (runtime/channels/inbound.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

Result = TypeVar("Result")


@dataclass(frozen=True)
class StoreRetry:
    store: str  # as the log names it: "Lock store unreachable (ConnectionError); retrying"
    unreachable: Callable[[Exception], bool]  # the error says nothing was changed
    logger: logging.Logger
    seconds: float
    pause: float
    min_tries: int = 1

    async def __call__(self, call: Callable[[], Awaitable[Result]]) -> Result:
        """The call's result; the call again while its store is unreachable, within the budget."""
        deadline = time.monotonic() + self.seconds
        tries = 0
        while True:
            tries += 1
            try:
                return await call()
            except Exception as error:
                if not self.unreachable(error) or (tries >= self.min_tries and time.monotonic() >= deadline):
                    raise
                cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
                self.logger.warning("%s unreachable (%s); retrying", self.store, type(cause).__name__)
                await asyncio.sleep(self.pause)
