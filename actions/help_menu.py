"""action_show_help: what the assistant can answer, as topic groups and then their questions."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from runtime.catalog import MAX_BUTTONS, Group, load_catalog, topic_button
from runtime.domain_text import response_text

TOPICS_PER_PAGE = MAX_BUTTONS - 1  # one button is kept for "More questions"


def group_payload(group_id: str, page: int = 1) -> str:
    return "/help" + json.dumps({"topic_group": group_id, "menu_page": str(page)})


def page_number(tracker: Tracker) -> int:
    value = next(tracker.get_latest_entity_values("menu_page"), "1")
    return int(value) if str(value).isdigit() and int(value) > 0 else 1


class ActionShowHelp(Action):
    def name(self) -> str:
        return "action_show_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        catalog = load_catalog()
        group_id = next(tracker.get_latest_entity_values("topic_group"), None)
        group = catalog.group(group_id) if group_id else None
        if group is None:
            buttons = [{"title": g.title, "payload": group_payload(g.id)} for g in catalog.groups]
            dispatcher.utter_message(response="utter_help", buttons=buttons)
            return []
        dispatcher.utter_message(
            response="utter_help_group",
            buttons=self.group_page_buttons(group, page_number(tracker), domain),
            group_title=group.title.lower(),
        )
        return []

    @staticmethod
    def group_page_buttons(group: Group, page: int, domain: dict[str, Any]) -> list[dict[str, str]]:
        catalog = load_catalog()
        start = (page - 1) * TOPICS_PER_PAGE
        if start >= len(group.topics):
            start, page = 0, 1
        shown = group.topics[start : start + TOPICS_PER_PAGE]
        buttons = [topic_button(catalog.topics[t]) for t in shown]
        if start + TOPICS_PER_PAGE < len(group.topics):
            more = response_text(domain, "utter_help_more")
            buttons.append({"title": more, "payload": group_payload(group.id, page + 1)})
        return buttons
