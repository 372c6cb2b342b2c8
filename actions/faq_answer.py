"""action_answer_faq: the curated answer to an FAQ question, with follow-up buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.config import template_values
from actions.faq_catalog import faq_payload, load_catalog, topic_button
from actions.faq_context import resolve_topic

SUBJECT_ENTITIES = {"procedure", "condition"}


def chosen_by_button(tracker: Tracker) -> str | None:
    return next(tracker.get_latest_entity_values("faq_topic"), None)


def selected_by_nlu(tracker: Tracker) -> str | None:
    """The ResponseSelector's choice, e.g. "faq/discectomy_recovery" -> "discectomy_recovery"."""
    selector = tracker.latest_message.get("response_selector", {}).get("faq", {})
    key = selector.get("response", {}).get("intent_response_key") or ""
    return key.split("/", 1)[1] if "/" in key else None


def names_a_subject(tracker: Tracker) -> bool:
    return any(e.get("entity") in SUBJECT_ENTITIES for e in tracker.latest_message.get("entities", []))


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        catalog = load_catalog()
        topic_id = chosen_by_button(tracker)
        if topic_id is None:
            predicted = selected_by_nlu(tracker)
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
        dispatcher.utter_message(response=f"utter_faq/{topic_id}", buttons=followups, **template_values())
        return [SlotSet("last_faq_topic", topic_id), SlotSet("fallback_count", 0.0)]
