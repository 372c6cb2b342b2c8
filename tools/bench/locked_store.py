"""The scripted load again while another process holds the handoff database locked (issue #11):
FAQ replies must not wait for the lock, so their p95 stays within 2x of the unlocked run's.
Next to the scripted conversations, others keep asking for a person, so ticket writes are
waiting on the lock (and going to the spool) the whole time."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from runtime.settings import ROOT
from tools.bench.load import REQUEST_TIMEOUT_S, WEBHOOK, Level, LevelResult, post_message, run_level

CONVERSATIONS = ROOT / "data" / "bench" / "conversations.yml"


@contextlib.contextmanager
def locked(database: Path) -> Iterator[None]:
    """BEGIN EXCLUSIVE from another connection, as a staff tool or a backup might hold it."""
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


async def ask_for_people(rasa_url: str, run_id: str, stop: asyncio.Event) -> int:
    import aiohttp

    words = yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))["handoff_request"]
    asked = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
        for number in itertools.count():
            if stop.is_set():
                return asked
            sender = f"bench-{run_id}-person-{number}"
            for text in (words["ask"], words["agree"]):
                await post_message(session, f"{rasa_url}{WEBHOOK}", sender, text)
            asked += 1
    return asked


async def load_beside_handoffs(
    rasa_url: str, level: Level, responses: dict[str, list[str]], run_id: str
) -> tuple[LevelResult, int]:
    stop = asyncio.Event()
    asking = asyncio.create_task(ask_for_people(rasa_url, run_id, stop))
    result = await run_level(rasa_url, level, responses, f"{run_id}-locked")
    stop.set()
    return result, await asking


def measure_locked_store(
    rasa_url: str, database: Path, level: Level, responses: dict[str, list[str]], run_id: str
) -> dict[str, Any]:
    with locked(database):
        result, handoffs = asyncio.run(load_beside_handoffs(rasa_url, level, responses, run_id))
    return {**result.summary(), "handoff_requests": handoffs}
