"""The safety replies as the Rasa server renders them (runtime/nlg.py), with no action server:
emergency, urgent and crisis wording per SAFETY.md, numbers from the locale."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from runtime import degraded
from runtime.nlg import ClinicResponseGenerator
from runtime.settings import ROOT

BLADDER = {"flag": "bladder_bowel", "tier": "emergency", "text": "cant pee"}
FEVER = {"flag": "fever", "tier": "urgent", "text": "fever"}


@lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def reply(response: str, intent: str, flags=(), tier: str | None = None) -> str:
    tracker = DialogueStateTracker.from_events(
        "test-user",
        [
            UserUttered("...", intent={"name": intent}, parse_data={"red_flags": list(flags)}),
            SlotSet("safety_tier", tier),
        ],
        slots=domain().slots,
    )
    generator = ClinicResponseGenerator(domain=domain())
    return asyncio.run(generator.generate(response, tracker, "rest"))["text"]


def test_emergency_names_what_was_described_and_the_number():
    text = reply("utter_emergency", "emergency", [BLADDER], tier="emergency")
    assert text.startswith("**This could be an emergency. Call 911 now")
    assert "You mentioned new problems passing urine or controlling your bladder or bowels. " in text


def test_urgent_wording_when_the_detector_marked_the_urgent_tier():
    text = reply("utter_emergency", "emergency", [FEVER], tier="urgent")
    assert text.startswith("**Please contact your doctor or an urgent care clinic today, the same day.**")
    assert "back pain with a fever or chills" in text


def test_emergency_tier_wins_over_urgent():
    text = reply("utter_emergency", "emergency", [BLADDER, FEVER], tier="emergency")
    assert "This could be an emergency" in text and " and back pain with a fever or chills. " in text


def test_classifier_alone_gets_the_emergency_wording_without_naming_anything():
    text = reply("utter_emergency", "emergency")
    assert "This could be an emergency" in text and "You mentioned" not in text and "{" not in text


def test_crisis_message_names_the_crisis_line():
    assert "988 Suicide & Crisis Lifeline" in reply("utter_crisis", "crisis")


def test_uk_numbers(monkeypatch):
    monkeypatch.setenv("ASSISTANT_LOCALE", "uk")
    text = reply("utter_crisis", "crisis")
    assert "116 123" in text and "call 999" in text


def test_the_replies_sent_without_an_action_server_are_filled_in(monkeypatch):
    """No {placeholder} is left over; the disclaimer opens a session even then (SAFETY.md 1)."""
    monkeypatch.setenv("ASSISTANT_LOCALE", "UK")
    generator = ClinicResponseGenerator(domain=domain())
    tracker = DialogueStateTracker.from_events("t", [UserUttered("hi")], slots=domain().slots)
    texts = {
        name: asyncio.run(generator.generate(name, tracker, "rest"))["text"]
        for name in (
            degraded.SESSION_OPENING,
            degraded.DEFAULT_RESPONSE,
            *degraded.RESPONSE_INSTEAD_OF.values(),
            *degraded.RESPONSE_AFTER_TIMEOUT.values(),
        )
    }
    assert all("{" not in text for text in texts.values())
    assert "In an emergency, call 999" in texts["utter_disclaimer"]
    assert "In an emergency, call 999" in texts["utter_service_unavailable"]
    assert "In an emergency, call 999" in texts["utter_handoff_unconfirmed"]
