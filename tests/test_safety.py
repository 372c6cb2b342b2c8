"""action_safety_reply: emergency and crisis messages per SAFETY.md, numbers from the locale."""

from __future__ import annotations

from actions.safety import ActionSafetyReply


def test_emergency_message_comes_first_then_the_offer_of_a_person(dispatcher, make_tracker, domain):
    ActionSafetyReply().run(dispatcher, make_tracker(intent={"name": "emergency"}), domain)

    first, second = dispatcher.messages
    assert first["response"] == "utter_emergency" and first["emergency_number"] == "911"
    assert second["response"] == "utter_offer_person_urgent"


def test_crisis_message_names_the_crisis_line(dispatcher, make_tracker, domain):
    ActionSafetyReply().run(dispatcher, make_tracker(intent={"name": "crisis"}), domain)
    assert dispatcher.messages[0]["response"] == "utter_crisis"
    assert "988" in dispatcher.messages[0]["crisis_line"]


def test_uk_crisis_line_is_samaritans(dispatcher, make_tracker, domain, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LOCALE", "uk")
    ActionSafetyReply().run(dispatcher, make_tracker(intent={"name": "crisis"}), domain)
    assert "116 123" in dispatcher.messages[0]["crisis_line"]
    assert dispatcher.messages[0]["emergency_number"] == "999"
