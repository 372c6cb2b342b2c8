"""action_did_you_mean: guesses as readable questions, a second miss offers a person."""

from __future__ import annotations

from support.trackers import selector_ranking

from actions.fallback import ActionDidYouMean, guesses
from runtime.catalog import load_catalog

WEAK_GUESS = {
    "intent": {"name": "nlu_fallback", "confidence": 0.4},
    "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "faq", "confidence": 0.7},
        {"name": "request_human", "confidence": 0.2},
        {"name": "out_of_scope", "confidence": 0.1},
    ],
    "response_selector": selector_ranking(
        ("miss_recovery", 0.35), ("discectomy_recovery", 0.3), ("miss_scar", 0.01)
    ),
}


def test_guesses_are_question_titles_best_first():
    buttons = guesses(load_catalog(), WEAK_GUESS)
    assert [b["title"] for b in buttons] == [
        "How long is recovery after minimally invasive surgery?",
        "How long is recovery after a discectomy?",
        "Talk to a person",
    ]
    assert buttons[2]["payload"] == "/request_human"


def test_first_miss_shows_did_you_mean_with_something_else(dispatcher, make_tracker, domain):
    events = ActionDidYouMean().run(dispatcher, make_tracker(**WEAK_GUESS), domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert message["buttons"][-1] == {"title": "Something else", "payload": "/deny"}
    assert len(message["buttons"]) == 4
    assert events[0]["name"] == "fallback_count" and events[0]["value"] == 1


def test_second_miss_in_a_row_offers_a_person_with_consent(dispatcher, make_tracker, domain):
    tracker = make_tracker(slots={"fallback_count": 1.0}, **WEAK_GUESS)
    events = ActionDidYouMean().run(dispatcher, tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_second_miss", "utter_offer_handoff"]
    assert {(e["name"], e["value"]) for e in events} == {
        ("fallback_count", 0),
        ("handoff_reason", "repeated_fallback"),
    }


def test_no_usable_guess_asks_to_rephrase(dispatcher, make_tracker, domain):
    nothing = {"intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}], "response_selector": {}}
    ActionDidYouMean().run(dispatcher, make_tracker(**nothing), domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"
