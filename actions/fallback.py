"""action_did_you_mean: a weak guess becomes "Did you mean ...?"; a second miss offers a person,
and a reply to that offer it does not understand gets the offer again."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_dialogue import ask_again, consent_question_answered
from runtime.catalog import load_catalog
from runtime.did_you_mean import guesses
from runtime.domain_text import response_text


class ActionDidYouMean(Action):
    def name(self) -> str:
        return "action_did_you_mean"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if asking_action := consent_question_answered(tracker):
            # "certainly" to the offer made after two misses: that question again, no guesses
            return ask_again(dispatcher, asking_action)
        misses = (tracker.get_slot("fallback_count") or 0.0) + 1
        if misses >= 2:
            dispatcher.utter_message(response="utter_second_miss")
            dispatcher.utter_message(response="utter_offer_handoff")
            return [SlotSet("fallback_count", 0.0), SlotSet("handoff_reason", "repeated_fallback")]

        buttons = guesses(load_catalog(), tracker.latest_message)
        if not buttons:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return [SlotSet("fallback_count", misses)]
        something_else = {"title": response_text(domain, "utter_something_else"), "payload": "/deny"}
        dispatcher.utter_message(response="utter_did_you_mean", buttons=[*buttons, something_else])
        return [SlotSet("fallback_count", misses)]
