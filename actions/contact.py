"""action_contact_clinic: how to reach a person at the clinic."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.config import template_values


class ActionContactClinic(Action):
    def name(self) -> str:
        return "action_contact_clinic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_contact_clinic", **template_values())
        return [SlotSet("fallback_count", 0.0)]
