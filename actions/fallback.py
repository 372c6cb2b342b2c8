"""action_did_you_mean: a weak guess becomes "Did you mean ...?"; a second miss offers a person
through action_offer_handoff, so the offer's own rules answer the reply (yes, no, or neither)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from runtime.catalog import load_catalog
from runtime.did_you_mean import guesses
from runtime.domain_text import response_text


class ActionDidYouMean(Action):
    def name(self) -> str:
        return "action_did_you_mean"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        misses = (tracker.get_slot("fallback_count") or 0.0) + 1
        if misses >= 2:
            dispatcher.utter_message(response="utter_second_miss")
            # the offer made by the action that makes every offer: "no" then gets "I haven't
            # shared anything", "certainly" the offer again, as after "can I talk to a person"
            return [
                SlotSet("fallback_count", 0.0),
                SlotSet("handoff_reason", "repeated_fallback"),
                FollowupAction("action_offer_handoff"),
            ]

        buttons = guesses(load_catalog(), tracker.latest_message)
        if not buttons:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return [SlotSet("fallback_count", misses)]
        something_else = {"title": response_text(domain, "utter_something_else"), "payload": "/deny"}
        dispatcher.utter_message(response="utter_did_you_mean", buttons=[*buttons, something_else])
        return [SlotSet("fallback_count", misses)]
