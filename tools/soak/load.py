"""The load: a fixed pool of simulated users, each sending its conversation's next message only
after the reply to the previous one, every reply checked. A phase ends at a turn boundary, so the
conversations can be parked across the servers' restart and resumed where they were."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tools.bench.load import WEBHOOK, percentiles, post_message
from tools.soak.checks import PromisedTicket, reference_in, reply_problem
from tools.soak.script import Identity, Script, SoakData

# A message waits for the ones ahead of it (about users / throughput seconds): generous.
REQUEST_TIMEOUT_S = 120
MAX_EXAMPLES = 8


@dataclass
class Conversation:
    number: int
    sender: str
    script: Script
    identity: Identity
    phase: str  # the phase it started in
    next_turn: int = 0

    @property
    def finished(self) -> bool:
        return self.next_turn >= len(self.script.turns)

    @property
    def mid_script(self) -> bool:
        return 0 < self.next_turn < len(self.script.turns)


@dataclass
class PhaseResult:
    name: str
    messages: int = 0  # requests sent
    checked: int = 0  # replies received and checked
    right: int = 0  # replies for their conversation, with the expected content
    problems: int = 0  # lost, wrong or crossed replies
    examples: list[dict[str, str]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    started: int = 0  # conversations started in this phase
    finished: int = 0  # conversations finished in this phase (also ones started before)
    tickets: int = 0  # references told to conversations
    resumed: Counter[str] = field(default_factory=Counter)  # started before, finished here, by script
    duration_s: float = 0.0

    def problem(self, conversation: Conversation, said: str, expected: str, got: str) -> None:
        self.problems += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(
                {
                    "sender": conversation.sender,
                    "script": f"{conversation.script.name} turn {conversation.next_turn + 1}",
                    "said": said,
                    "expected": expected,
                    "got": got,
                }
            )

    def summary(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "checked": self.checked,
            "right": self.right,
            "problems": self.problems,
            **percentiles(self.latencies_ms),
            "throughput_msg_s": round(self.checked / self.duration_s, 1) if self.duration_s else 0.0,
            "duration_s": round(self.duration_s, 1),
            "conversations_started": self.started,
            "conversations_finished": self.finished,
            "tickets": self.tickets,
            "resumed_finished": dict(self.resumed),
            "examples": self.examples,
        }


def shortened(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."


class Users:
    """The simulated users and their conversations, kept from one phase to the next."""

    def __init__(self, data: SoakData, users: int, run_id: str) -> None:
        self.data = data
        self.run_id = run_id
        self.slots: list[Conversation | None] = [None] * users
        self.numbers = itertools.count()
        self.promised: dict[str, PromisedTicket] = {}  # reference -> the conversation told it

    def new_conversation(self, phase: str) -> Conversation:
        number = next(self.numbers)
        script = self.data.scripts[number % len(self.data.scripts)]
        identity = self.data.identities.of(number)
        return Conversation(number, f"soak-{self.run_id}-{number}", script, identity, phase)

    def parked(self) -> Counter[str]:
        """Conversations waiting in the middle of their script, by script."""
        return Counter(c.script.name for c in self.slots if c is not None and c.mid_script)

    async def run_phase(self, rasa_url: str, result: PhaseResult, seconds: float) -> None:
        """Every user keeps talking until `seconds` have passed, then stops after its current
        turn; a conversation started in an earlier phase is first taken to its end."""
        import aiohttp

        start = time.monotonic()
        deadline = start + seconds
        url = f"{rasa_url}{WEBHOOK}"
        connector = aiohttp.TCPConnector(limit=len(self.slots))
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            await asyncio.gather(
                *(self.user(session, url, slot, deadline, result) for slot in range(len(self.slots)))
            )
        result.duration_s = time.monotonic() - start

    async def user(self, session: Any, url: str, slot: int, deadline: float, result: PhaseResult) -> None:
        while True:
            conversation = self.slots[slot]
            if conversation is None or conversation.finished:
                if time.monotonic() >= deadline:
                    return
                conversation = self.slots[slot] = self.new_conversation(result.name)
                result.started += 1
            elif time.monotonic() >= deadline and conversation.phase == result.name:
                return  # parked mid-script: the next phase takes it on
            if not await self.take_turn(session, url, conversation, result):
                self.slots[slot] = None  # its state is unknown now: a new conversation takes over
            elif conversation.finished:
                result.finished += 1
                if conversation.phase != result.name:
                    result.resumed[conversation.script.name] += 1

    async def take_turn(
        self, session: Any, url: str, conversation: Conversation, result: PhaseResult
    ) -> bool:
        """Sends the conversation's next message and checks the reply; False if it was wrong."""
        turn = conversation.script.turns[conversation.next_turn]
        said = conversation.identity.fill(turn.say)
        expected = " + ".join(conversation.identity.fill(e) for e in (*turn.expect, *turn.buttons))
        latency_ms, reply, failure = await post_message(session, url, conversation.sender, said)
        result.messages += 1
        if failure is not None:
            result.problem(conversation, said, expected, f"lost: {failure}")
            return False
        result.checked += 1
        result.latencies_ms.append(latency_ms)
        problem = reply_problem(reply, conversation.sender, turn, conversation.identity)
        reference = reference_in(reply) if turn.reference and problem is None else None
        if turn.reference and problem is None and reference is None:
            problem = "no ticket reference"
        if problem is not None:
            got = " | ".join(shortened(str(m.get("text") or "<buttons>")) for m in reply or [])
            result.problem(conversation, said, expected, f"{problem}: {got or '<no reply>'}")
            return False
        result.right += 1
        if reference is not None and conversation.script.ticket is not None:
            result.tickets += 1
            self.promised[reference] = PromisedTicket(
                reference, conversation.sender, conversation.script.ticket, conversation.identity
            )
        conversation.next_turn += 1
        return True
