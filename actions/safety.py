"""action_safety_reply: the emergency, urgent or crisis message first, then a person is alerted.

The tier comes from the red flags RedFlagDetector found (parse data `red_flags`); when the
classifier alone predicted `emergency`, the emergency tier is used: recall before precision.
An urgent handoff ticket is made at once (no consent question, SAFETY.md), and the user is told
not to wait for it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_dialogue import urgent_ticket
from runtime.parse_data import RED_FLAGS, safety_tier
from runtime.red_flags import described
from runtime.templates import template_values

REPLY_BY_TIER = {"emergency": "utter_emergency", "urgent": "utter_urgent", "crisis": "utter_crisis"}


class ActionSafetyReply(Action):
    def name(self) -> str:
        return "action_safety_reply"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = tracker.latest_message
        values = template_values()
        dispatcher.utter_message(
            response=REPLY_BY_TIER[safety_tier(latest)],
            described=described(latest.get(RED_FLAGS) or []),
            **values,
        )
        tier = safety_tier(latest)
        ticket = urgent_ticket(tracker, reason="crisis" if tier == "crisis" else "emergency")
        if ticket is None:
            dispatcher.utter_message(response="utter_offer_person_urgent", **values)
        else:
            dispatcher.utter_message(response="utter_urgent_handoff", reference=ticket.reference, **values)
        return [SlotSet("fallback_count", 0.0)]
