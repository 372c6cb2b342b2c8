"""Taking a handoff ticket without blocking the action server and without losing it.

The store is called in a worker thread (its SQL calls block) with a short lock timeout. When
the store cannot take the ticket now (locked, down, any error), the ticket goes to the
durable spool, which the outbox worker replays into the store when it is back. Only when the
spool cannot be written either is the ticket lost, and the caller tells the patient to call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass

from runtime.handoff.limits import SourceLimiter
from runtime.handoff.settings import load_settings
from runtime.handoff.spool import TicketRequest, TicketSpool
from runtime.handoff.store import HandoffStore, Ticket, TicketLimitReached

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intake:
    ticket: Ticket | None  # stored now
    created: bool = False  # a new ticket, not the conversation's open one brought up to date
    spooled: bool = False  # not stored yet, kept in the spool
    limited: bool = False  # not taken: too many requests from this conversation or source


def store_request(
    store: HandoffStore, request: TicketRequest, max_new_per_hour: int | None = None
) -> tuple[Ticket, bool]:
    return store.create_or_update(**asdict(request), max_new_per_hour=max_new_per_hour)


_source_limiter: SourceLimiter | None = None


def source_limiter() -> SourceLimiter:
    global _source_limiter
    per_hour = load_settings().max_tickets_per_source_per_hour
    if _source_limiter is None or _source_limiter.per_hour != per_hour:
        _source_limiter = SourceLimiter(per_hour)
    return _source_limiter


def spool() -> TicketSpool:
    return TicketSpool(load_settings().spool_dir)


async def take(request: TicketRequest, source: str | None = None) -> Intake:
    if not source_limiter().allow(source):
        log.warning("Handoff ticket refused: too many requests from one source in the last hour")
        return Intake(None, limited=True)
    limit = load_settings().max_tickets_per_conversation_per_hour
    try:
        store = HandoffStore.from_environment()
        ticket, created = await asyncio.to_thread(store_request, store, request, limit)
        return Intake(ticket, created)
    except TicketLimitReached:
        log.warning("Handoff ticket refused: too many new tickets for one conversation in the last hour")
        return Intake(None, limited=True)
    except Exception as error:  # any store failure: the spool is the fallback, never the patient
        log.warning("Handoff store unavailable (%s); the ticket waits in the spool", type(error).__name__)
    try:
        await asyncio.to_thread(spool().keep, request)
        return Intake(None, spooled=True)
    except OSError as error:
        log.error("Handoff spool unavailable too (%s): the patient is asked to call", type(error).__name__)
        return Intake(None)


async def open_ticket(conversation_id: str) -> Ticket | None:
    """The conversation's open ticket; None also when the store cannot say now."""
    try:
        return await asyncio.to_thread(HandoffStore.from_environment().open_ticket_for, conversation_id)
    except Exception as error:
        log.warning("Handoff store unavailable (%s) while looking for an open ticket", type(error).__name__)
        return None


def replay_spool(store: HandoffStore, waiting: TicketSpool) -> int:
    """For the outbox worker: the waiting tickets into the store, in order."""
    return waiting.replay(lambda request: store_request(store, request))
