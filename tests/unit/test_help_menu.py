"""action_show_help: topic groups, then a group's questions a page at a time."""

from __future__ import annotations

import json

from actions.help_menu import ActionShowHelp


def group_entities(group: str, page: str | None = None) -> list[dict[str, str]]:
    entities = [{"entity": "topic_group", "value": group}]
    return entities + ([{"entity": "menu_page", "value": page}] if page else [])


def test_help_shows_the_disclaimer_and_five_groups(dispatcher, make_tracker, domain):
    ActionShowHelp().run(dispatcher, make_tracker(intent={"name": "help"}), domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_help"
    assert [b["title"] for b in message["buttons"]] == [
        "Disc problems",
        "Back pain",
        "Treatment options",
        "Discectomy",
        "Minimally invasive surgery",
    ]


def test_group_pages_hold_at_most_five_buttons_and_cover_every_topic(dispatcher, make_tracker, domain):
    seen, page = [], "1"
    while page:
        dispatcher.messages.clear()
        ActionShowHelp().run(dispatcher, make_tracker(entities=group_entities("miss", page)), domain)
        buttons = dispatcher.messages[0]["buttons"]
        assert len(buttons) <= 5
        more = [b for b in buttons if b["title"] == "More questions"]
        seen += [b["title"] for b in buttons if b not in more]
        page = json.loads(more[0]["payload"][len("/help") :])["menu_page"] if more else None
    assert len(seen) == 11 and "How big is the scar after minimally invasive surgery?" in seen


def test_unknown_group_falls_back_to_the_group_list(dispatcher, make_tracker, domain):
    ActionShowHelp().run(dispatcher, make_tracker(entities=group_entities("nope")), domain)
    assert dispatcher.messages[0]["response"] == "utter_help"
