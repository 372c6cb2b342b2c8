"""action_safety_reply: emergency, urgent and crisis messages per SAFETY.md, numbers from the locale."""

from __future__ import annotations

from actions.safety import ActionSafetyReply

BLADDER = {"flag": "bladder_bowel", "tier": "emergency", "text": "cant pee"}
FEVER = {"flag": "fever", "tier": "urgent", "text": "fever"}


def reply(dispatcher, make_tracker, domain, intent, flags=()):
    ActionSafetyReply().run(dispatcher, make_tracker(intent={"name": intent}, red_flags=list(flags)), domain)
    return dispatcher.messages


def test_emergency_names_what_was_described_then_alerts_a_person(dispatcher, make_tracker, domain):
    first, second = reply(dispatcher, make_tracker, domain, "emergency", [BLADDER])
    assert first["response"] == "utter_emergency" and first["emergency_number"] == "911"
    assert (
        first["described"]
        == "You mentioned new problems passing urine or controlling your bladder or bowels. "
    )
    assert second["response"] == "utter_urgent_handoff" and second["reference"].startswith("SP-")


def test_urgent_tier_when_only_urgent_flags_were_found(dispatcher, make_tracker, domain):
    [message, _] = reply(dispatcher, make_tracker, domain, "emergency", [FEVER])
    assert message["response"] == "utter_urgent"
    assert message["urgent_contact"] == "your doctor or an urgent care clinic"


def test_emergency_tier_wins_over_urgent(dispatcher, make_tracker, domain):
    [message, _] = reply(dispatcher, make_tracker, domain, "emergency", [BLADDER, FEVER])
    assert message["response"] == "utter_emergency"
    assert " and back pain with a fever or chills. " in message["described"]


def test_classifier_alone_gets_the_emergency_tier_without_naming_anything(dispatcher, make_tracker, domain):
    [message, _] = reply(dispatcher, make_tracker, domain, "emergency")
    assert message["response"] == "utter_emergency" and message["described"] == ""


def test_crisis_message_names_the_crisis_line(dispatcher, make_tracker, domain):
    [message, _] = reply(dispatcher, make_tracker, domain, "crisis")
    assert message["response"] == "utter_crisis"
    assert "988" in message["crisis_line"]


def test_uk_numbers(dispatcher, make_tracker, domain, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LOCALE", "uk")
    [message, _] = reply(dispatcher, make_tracker, domain, "crisis")
    assert "116 123" in message["crisis_line"] and message["emergency_number"] == "999"
