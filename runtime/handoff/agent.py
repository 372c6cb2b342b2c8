"""What a staff member does to a ticket, for the staff CLI and the staff inbox alike: a reply is
stored in the ticket first, then relayed into the patient's conversation; closing tells the
patient they are back with the assistant, then closes."""

from __future__ import annotations

from runtime.handoff.relay import AGENT_MESSAGE_INTENT, HANDOFF_CLOSED_INTENT, relay_to_patient
from runtime.handoff.store import HandoffStore, Ticket


def reply(store: HandoffStore, reference: str, text: str, agent: str | None = None) -> Ticket:
    """Raises RelayError when the message is stored but could not be delivered."""
    if agent:
        store.claim(reference, agent)
    # Stored before it is relayed: if Rasa is down the message is not lost, only undelivered.
    ticket = store.add_message(reference, "agent", text)
    relay_to_patient(ticket.conversation_id, AGENT_MESSAGE_INTENT, text)
    return ticket


def close(store: HandoffStore, reference: str, tell_patient: bool = True) -> Ticket:
    """Raises RelayError, and leaves the ticket open, when the patient could not be told."""
    ticket = store.get(reference)
    if ticket.status == "closed":
        return ticket
    if tell_patient:
        relay_to_patient(ticket.conversation_id, HANDOFF_CLOSED_INTENT, "")
    return store.close(ticket.reference)
