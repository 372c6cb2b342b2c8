"""action_safety_reply: the emergency or crisis message first, then the offer of a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.config import template_values

REPLY_BY_INTENT = {"emergency": "utter_emergency", "crisis": "utter_crisis"}


class ActionSafetyReply(Action):
    def name(self) -> str:
        return "action_safety_reply"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        values = template_values()
        dispatcher.utter_message(response=REPLY_BY_INTENT.get(intent, "utter_emergency"), **values)
        dispatcher.utter_message(response="utter_offer_person_urgent", **values)
        return [SlotSet("fallback_count", 0.0)]
