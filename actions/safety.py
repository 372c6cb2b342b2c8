"""action_urgent_ticket: after the emergency, urgent or crisis reply, a person is alerted.

The reply itself is a plain response sent by a rule (data/rules/safety.yml), so it comes from
the Rasa server even when this action server is down. This action only makes the urgent
handoff ticket (no consent question, SAFETY.md) and says so, telling the user not to wait for it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_dialogue import save_ticket
from runtime.parse_data import safety_tier


class ActionUrgentTicket(Action):
    def name(self) -> str:
        return "action_urgent_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reason = "crisis" if safety_tier(tracker.latest_message) == "crisis" else "emergency"
        outcome = await save_ticket(tracker, reason, priority="urgent")
        if outcome.ticket is not None:
            dispatcher.utter_message(response="utter_urgent_handoff", reference=outcome.ticket.reference)
        elif outcome.spooled:
            dispatcher.utter_message(response="utter_urgent_handoff_spooled")
        else:
            dispatcher.utter_message(response="utter_offer_person_urgent")
        return [SlotSet("fallback_count", 0.0)]
