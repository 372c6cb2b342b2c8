"""action_personal_advice: no diagnosis, no dose, no promise (SAFETY.md section 4).

Says it cannot answer for this person, gives the general information it has (the curated
answer of the FAQ topic the question is closest to, when there is one), and suggests a
specialist with a callback.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from runtime.catalog import load_catalog
from runtime.domain_text import response_text
from runtime.parse_data import selected_confidence, selected_topic

MIN_TOPIC_CONFIDENCE = 0.5  # below this the closest topic is not general information worth giving


def closest_topic(tracker: Tracker) -> str | None:
    confidence = selected_confidence(tracker.latest_message)
    topic = selected_topic(tracker.latest_message)
    return topic if topic in load_catalog().topics and confidence >= MIN_TOPIC_CONFIDENCE else None


def specialist_buttons(domain: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"title": response_text(domain, "utter_button_callback"), "payload": "/request_callback"},
        {"title": response_text(domain, "utter_button_topics"), "payload": "/help"},
    ]


class ActionPersonalAdvice(Action):
    def name(self) -> str:
        return "action_personal_advice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = closest_topic(tracker)
        if topic is None:
            dispatcher.utter_message(response="utter_personal_advice", buttons=specialist_buttons(domain))
            return [SlotSet("fallback_count", 0.0)]
        dispatcher.utter_message(response="utter_personal_advice_general")
        dispatcher.utter_message(response=f"utter_faq/{topic}", buttons=specialist_buttons(domain))
        return [SlotSet("last_faq_topic", topic), SlotSet("fallback_count", 0.0)]
