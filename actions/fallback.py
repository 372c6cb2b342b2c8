"""action_did_you_mean: a weak guess becomes "Did you mean ...?"; a second miss offers a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from runtime.catalog import Catalog, load_catalog, topic_button
from runtime.domain_text import response_text
from runtime.parse_data import FAQ_INTENT, intent_confidences, topic_ranking

MAX_GUESSES = 3
MIN_GUESS_SCORE = 0.02  # below this a guess is noise, not worth a button


def guesses(catalog: Catalog, parse_data: dict[str, Any]) -> list[dict[str, str]]:
    """Buttons for the most likely meanings: FAQ topics and titled intents, best first."""
    scored: list[tuple[float, dict[str, str]]] = []
    intent_confidence = intent_confidences(parse_data)
    faq_confidence = intent_confidence.get(FAQ_INTENT, 0.0)
    for topic_id, confidence in topic_ranking(parse_data):
        if topic_id in catalog.topics:
            score = faq_confidence * confidence
            scored.append((score, topic_button(catalog.topics[topic_id])))
    for intent, title in catalog.intent_titles.items():
        scored.append((intent_confidence.get(intent, 0.0), {"title": title, "payload": f"/{intent}"}))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return [button for score, button in scored[:MAX_GUESSES] if score >= MIN_GUESS_SCORE]


class ActionDidYouMean(Action):
    def name(self) -> str:
        return "action_did_you_mean"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
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
