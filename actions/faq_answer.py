"""action_answer_faq: the curated answer to an FAQ question, with follow-up buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from runtime.catalog import load_catalog, topic_button
from runtime.faq_context import resolve_topic
from runtime.parse_data import button_topic, faq_payload, other_questions, own_case, selected_topic

SUBJECT_ENTITIES = {"procedure", "condition"}


def names_a_subject(tracker: Tracker) -> bool:
    return any(e.get("entity") in SUBJECT_ENTITIES for e in tracker.latest_message.get("entities", []))


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        catalog = load_catalog()
        topic_id = button_topic(tracker.latest_message)
        if topic_id is None:
            predicted = selected_topic(tracker.latest_message)
            if predicted not in catalog.topics:
                dispatcher.utter_message(response="utter_ask_rephrase")
                return []
            resolution = resolve_topic(
                catalog, predicted, names_a_subject(tracker), tracker.get_slot("last_faq_topic")
            )
            if resolution.topic_id is None:
                buttons = [
                    {"title": catalog.subjects[t.subject].capitalize(), "payload": faq_payload(t.id)}
                    for t in resolution.choices
                ]
                dispatcher.utter_message(response="utter_ask_which_subject", buttons=buttons)
                return []
            topic_id = resolution.topic_id
        elif topic_id not in catalog.topics:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []

        followups = [topic_button(catalog.topics[f]) for f in catalog.topics[topic_id].followups]
        dispatcher.utter_message(response=f"utter_faq/{topic_id}", buttons=followups)
        also = [
            catalog.topics[t]
            for t in other_questions(tracker.latest_message)
            if t in catalog.topics and t != topic_id
        ]
        if also:
            dispatcher.utter_message(response="utter_also_asked", buttons=[topic_button(t) for t in also])
        if own_case(tracker.latest_message):
            # SAFETY.md section 4: general information, and who can say what fits their case.
            dispatcher.utter_message(response="utter_own_case_caveat")
        return [SlotSet("last_faq_topic", topic_id), SlotSet("fallback_count", 0.0)]
