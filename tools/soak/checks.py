"""What the soak checks, as pure functions: a reply against its turn, the ERROR lines of a log
stretch, memory growth, and the tickets and outbox rows against what the conversations were told."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runtime.handoff.store import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    OutboxItem,
    Ticket,
)
from tools.soak.script import Identity, TicketExpectation, Turn

REFERENCE = re.compile(
    rf"\*\*({re.escape(REFERENCE_PREFIX)}[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}})\*\*"
)
# "2026-12-01 20:04:13 ERROR    name  - ..." (the servers' logging), "2026-... [error    ] event"
# (Rasa's structlog), "[2026-... +0000] [123] [ERROR] ..." (Sanic), and tracebacks.
ERROR_LINE = re.compile(
    r"^\[?\d{4}-\d\d-\d\d[ T][0-9:.,]+(?: [+-]\d{4})?\]?\s+(?:\[\d+\]\s+)?\[?\s*(?:ERROR|CRITICAL)\b",
    re.IGNORECASE,
)
TRACEBACK = "Traceback (most recent call last)"


# --- Replies ----------------------------------------------------------------------------------------


def reply_text(reply: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(str(message.get("text") or "") for message in reply)


def reply_problem(reply: Any, sender: str, turn: Turn, identity: Identity) -> str | None:
    """Why a reply is not the one this conversation should get now, or None. A reply addressed
    to another conversation, or missing this conversation's name, is a crossed reply."""
    if not isinstance(reply, list) or not reply:
        return "no reply"
    strangers = sorted({str(message.get("recipient_id")) for message in reply} - {sender})
    if strangers:
        return f"a reply addressed to {strangers[0]!r}"
    text = reply_text(reply)
    missing = [expected for expected in map(identity.fill, turn.expect) if expected not in text]
    if missing:
        return f"missing {missing[0]!r}"
    payloads = {button.get("payload") for message in reply for button in message.get("buttons") or []}
    absent = [payload for payload in turn.buttons if payload not in payloads]
    return f"no button {absent[0]!r}" if absent else None


def reference_in(reply: Sequence[Mapping[str, Any]]) -> str | None:
    found = REFERENCE.search(reply_text(reply))
    return found.group(1) if found else None


# --- Logs -------------------------------------------------------------------------------------------


def log_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def log_stretch(path: Path, start: int, end: int | None = None) -> str:
    """What was appended to a log between two sizes of it (end None: up to now)."""
    if not path.exists():
        return ""
    with path.open("rb") as log:
        log.seek(start)
        data = log.read() if end is None else log.read(max(0, end - start))
    return data.decode("utf-8", errors="replace")


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if ERROR_LINE.match(line) or line.startswith(TRACEBACK)]


# --- Memory -----------------------------------------------------------------------------------------


def growth_percent(start: float, end: float) -> float:
    return 0.0 if start <= 0 else round(100 * (end - start) / start, 1)


# --- Tickets and the outbox -------------------------------------------------------------------------


@dataclass(frozen=True)
class PromisedTicket:
    """A reference a conversation was told, and what its ticket must hold."""

    reference: str
    sender: str
    expectation: TicketExpectation
    identity: Identity


def ticket_problems(promised: Mapping[str, PromisedTicket], stored: Mapping[str, Ticket]) -> list[str]:
    """Every reference a conversation was told is stored, for that conversation, as its script
    says; and every stored ticket was told to the conversation that made it."""
    problems = []
    for reference, promise in sorted(promised.items()):
        ticket = stored.get(reference)
        if ticket is None:
            problems.append(f"{reference}: told to {promise.sender} but not stored")
            continue
        if ticket.conversation_id != promise.sender:
            problems.append(f"{reference}: told to {promise.sender}, stored for {ticket.conversation_id}")
        wanted = promise.expectation
        if (ticket.reason, ticket.priority) != (wanted.reason, wanted.priority):
            problems.append(
                f"{reference}: {ticket.reason}/{ticket.priority}, expected {wanted.reason}/{wanted.priority}"
            )
        contact = ticket.contact or {}
        if wanted.contact and (contact.get("name"), contact.get("contact")) != (
            promise.identity.name,
            promise.identity.phone,
        ):
            problems.append(f"{reference}: the contact is not {promise.sender}'s")
    problems += [
        f"{reference}: stored, but no reply told of it"
        for reference in sorted(stored.keys() - promised.keys())
    ]
    return problems


def lost(before: Sequence[str] | Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What was there before and is not any more."""
    return sorted(set(before) - set(after))


def outbox_problems(
    before: Mapping[int, OutboxItem], after: Mapping[int, OutboxItem], references: Sequence[str]
) -> list[str]:
    """No outbox row lost or undone across the restart, and a row for every ticket."""
    problems = [
        f"outbox row {row} ({before[row].ticket_reference}) lost"
        for row in sorted(before.keys() - after.keys())
    ]
    problems += [
        f"outbox row {row} ({item.ticket_reference}) was delivered, now {after[row].status}"
        for row, item in sorted(before.items())
        if item.status == "delivered" and row in after and after[row].status != "delivered"
    ]
    with_rows = {item.ticket_reference for item in after.values()}
    problems += [f"{reference}: no outbox row" for reference in sorted(set(references) - with_rows)]
    return problems
