"""Load generation: simulated users running the scripted conversations over REST at once,
with every reply checked and its latency recorded."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tools.bench.conversations import SCRIPTS, Script, button_payload, is_answered

HOST = "127.0.0.1"  # the benchmark only ever talks to the servers it started, on loopback
WEBHOOK = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_S = 30


@dataclass(frozen=True)
class Level:
    concurrency: int
    conversations: int
    time_cap_s: float


FULL_LEVELS = (Level(1, 20, 90), Level(10, 100, 90), Level(50, 250, 120))
SMOKE_LEVELS = (Level(1, 3, 30), Level(5, 15, 30))  # 3 conversations per simulated user
# --- Load generation ------------------------------------------------------------------------------


@dataclass
class LevelResult:
    concurrency: int
    conversations: int = 0
    messages: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    duration_s: float = 0.0
    capped: bool = False
    error_examples: list[dict[str, str]] = field(default_factory=list)
    cpu_s: dict[str, float] = field(default_factory=dict)  # CPU time the servers spent on this level

    def error(self, sender: str, sent: str, expected: str, got: str) -> None:
        self.errors += 1
        if len(self.error_examples) < 5:
            self.error_examples.append(
                {"sender": sender, "sent": sent, "expected": expected, "got": got[:160]}
            )

    def summary(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "conversations": self.conversations,
            "messages": self.messages,
            "errors": self.errors,
            **percentiles(self.latencies_ms),
            "throughput_msg_s": round(self.messages / self.duration_s, 1) if self.duration_s else 0.0,
            "duration_s": round(self.duration_s, 2),
            "capped": self.capped,
            "cpu_ms_per_msg": {
                name: round(1000 * seconds / self.messages, 1) if self.messages else None
                for name, seconds in self.cpu_s.items()
            },
            "error_examples": self.error_examples,
        }


def percentiles(samples_ms: Sequence[float]) -> dict[str, float | None]:
    if not samples_ms:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None}
    p50, p95, p99 = np.percentile(np.asarray(samples_ms), [50, 95, 99])
    return {
        "p50_ms": round(float(p50), 2),
        "p95_ms": round(float(p95), 2),
        "p99_ms": round(float(p99), 2),
        "mean_ms": round(float(np.mean(samples_ms)), 2),
    }


async def post_message(session: Any, url: str, sender: str, text: str) -> tuple[float, Any, str | None]:
    """(latency ms, reply or None, error or None) of one message over the REST channel."""
    import aiohttp

    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            if response.status != 200:
                return (time.perf_counter() - start) * 1000, None, f"HTTP {response.status}"
            reply = await response.json()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return (time.perf_counter() - start) * 1000, None, f"{type(error).__name__}: {error}"
    return (time.perf_counter() - start) * 1000, reply, None


async def run_conversation(
    session: Any,
    url: str,
    sender: str,
    chosen: Script,
    index: int,
    responses: dict[str, list[str]],
    result: LevelResult,
) -> None:
    previous: list[dict[str, Any]] = []
    for turn in chosen.turns:
        text, expected = turn.text, turn.expected
        if text is None:
            button = button_payload(previous, index)
            if button is None:
                result.error(sender, "<follow-up button>", "buttons under the previous answer", "no buttons")
                continue
            text, expected = button[0], f"utter_faq/{button[1]}"
        latency_ms, reply, failure = await post_message(session, url, sender, text)
        if failure is not None:
            result.error(sender, text, expected, failure)
            previous = []
            continue
        result.messages += 1
        result.latencies_ms.append(latency_ms)
        if not is_answered(reply, responses.get(expected, [])):
            got = " | ".join((m.get("text") or "<buttons>") for m in reply) or "<no reply>"
            result.error(sender, text, expected, got)
        previous = reply


async def run_level(rasa_url: str, level: Level, responses: dict[str, list[str]], run_id: str) -> LevelResult:
    """`level.concurrency` simulated users, each running conversations one after the other,
    until `level.conversations` were started or the time cap is reached."""
    import aiohttp

    result = LevelResult(level.concurrency)
    url = f"{rasa_url}{WEBHOOK}"
    numbers = itertools.count()
    start = time.monotonic()
    deadline = start + level.time_cap_s

    async def user(session: aiohttp.ClientSession) -> None:
        while True:
            index = next(numbers)
            if index >= level.conversations:
                return
            if time.monotonic() > deadline:
                result.capped = True
                return
            result.conversations += 1
            sender = f"bench-{run_id}-c{level.concurrency}-{index}"
            chosen = SCRIPTS[index % len(SCRIPTS)]
            await run_conversation(session, url, sender, chosen, index, responses, result)

    connector = aiohttp.TCPConnector(limit=level.concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(user(session) for _ in range(level.concurrency)))
    result.duration_s = time.monotonic() - start
    return result


async def first_answer(rasa_url: str, responses: dict[str, list[str]], deadline_s: float) -> bool:
    """Sends "hello" until the greeting comes back (the servers report up before they answer)."""
    import aiohttp

    end = time.monotonic() + deadline_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
        while time.monotonic() < end:
            sender = f"bench-cold-{uuid.uuid4().hex[:8]}"
            _, reply, failure = await post_message(session, f"{rasa_url}{WEBHOOK}", sender, "hello")
            if failure is None and is_answered(reply, responses["utter_greet"]):
                return True
            await asyncio.sleep(0.2)
    return False


async def warm_up(rasa_url: str, responses: dict[str, list[str]], run_id: str) -> LevelResult:
    """Each script once, one after the other: the first predictions of a shape are slow."""
    import aiohttp

    result = LevelResult(concurrency=0)
    start = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
        for index, chosen in enumerate(SCRIPTS):
            result.conversations += 1
            url = f"{rasa_url}{WEBHOOK}"
            await run_conversation(
                session, url, f"bench-{run_id}-warmup-{index}", chosen, index, responses, result
            )
    result.duration_s = time.monotonic() - start
    return result
