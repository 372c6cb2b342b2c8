"""Live takeover (issue #15): while a staff member has the patient's ticket, the bot stands back.

The slot `staff_takeover` follows the staff's relays (staff_joined when a ticket is claimed,
handoff_closed when it is closed); data/rules/takeover.yml sends the patient's ordinary messages
to action_forward_to_staff meanwhile, and the safety rules still answer at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from runtime.handoff import intake
from runtime.handoff.relay import STAFF_JOINED_INTENT
from runtime.handoff.store import HandoffStore
from runtime.parse_data import intent_name

TAKEOVER_SLOT = "staff_takeover"


class ActionUpdateTakeover(Action):
    """On when a staff member joined, off when the ticket was closed."""

    def name(self) -> str:
        return "action_update_takeover"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # Not get_intent_of_latest_message(): a triggered intent has no intent ranking.
        joined = intent_name(tracker.latest_message) == STAFF_JOINED_INTENT
        return [SlotSet(TAKEOVER_SLOT, joined)]


class ActionForwardToStaff(Action):
    """The patient's message into the ticket, where the staff inbox shows it; no bot answer.
    A ticket closed without the relay reaching the conversation ends the takeover."""

    def name(self) -> str:
        return "action_forward_to_staff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ticket = await intake.open_ticket(tracker.sender_id)
        if ticket is None:
            return [SlotSet(TAKEOVER_SLOT, False)]
        text = tracker.latest_message.get("text") or ""
        store = HandoffStore.from_environment()
        await asyncio.to_thread(store.add_message, ticket.reference, "user", text)
        return []
