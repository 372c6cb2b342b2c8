"""What a staff member does to a ticket, for the staff CLI and the staff inbox alike. Claiming
tells the conversation a team member joined (the bot stands back: data/rules/takeover.yml); a
reply is stored in the ticket first, then relayed into the patient's conversation; closing tells
the patient they are back with the assistant, then closes."""

from __future__ import annotations

import contextlib

from runtime.handoff.relay import (
    AGENT_MESSAGE_INTENT,
    HANDOFF_CLOSED_INTENT,
    STAFF_JOINED_INTENT,
    RelayError,
    relay_to_patient,
)
from runtime.handoff.store import HandoffStore, Ticket


def claim(store: HandoffStore, reference: str, agent: str) -> Ticket:
    """The first claim of a ticket starts the takeover; raises RelayError when the claim is
    stored but the conversation could not be told."""
    was_open = store.get(reference).status == "open"
    ticket = store.claim(reference, agent)
    if was_open:
        relay_to_patient(ticket.conversation_id, STAFF_JOINED_INTENT, "", ticket.channel)
    return ticket


def reply(store: HandoffStore, reference: str, text: str, agent: str | None = None) -> Ticket:
    """Claims it first under `agent`, if given; raises RelayError when the message is stored
    but could not be delivered."""
    if agent:
        # Rasa unreachable: the message's own relay below fails and says so; it must be stored first.
        with contextlib.suppress(RelayError):
            claim(store, reference, agent)
    # Stored before it is relayed: if Rasa is down the message is not lost, only undelivered.
    ticket = store.add_message(reference, "agent", text)
    relay_to_patient(ticket.conversation_id, AGENT_MESSAGE_INTENT, text, ticket.channel)
    return ticket


def close(store: HandoffStore, reference: str, tell_patient: bool = True) -> Ticket:
    """Raises RelayError, and leaves the ticket open, when the patient could not be told."""
    ticket = store.get(reference)
    if ticket.status == "closed":
        return ticket
    if tell_patient:
        relay_to_patient(ticket.conversation_id, HANDOFF_CLOSED_INTENT, "", ticket.channel)
    return store.close(ticket.reference)
