"""action_did_you_mean: guesses as readable questions, a second miss offers a person."""

from __future__ import annotations

from support.trackers import selector_ranking

from actions.fallback import ActionDidYouMean
from runtime.catalog import load_catalog
from runtime.did_you_mean import guesses


def unsure(intents: dict[str, float], *topics: tuple[str, float]) -> dict:
    """Parse data of a message the NLU fell back on: its intent and topic rankings."""
    return {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}]
        + [{"name": name, "confidence": confidence} for name, confidence in intents.items()],
        "response_selector": selector_ranking(*topics),
    }


RECOVERY = (("miss_recovery", 0.35), ("discectomy_recovery", 0.3), ("miss_scar", 0.01))
WEAK_GUESS = unsure({"faq": 0.7, "request_human": 0.2, "out_of_scope": 0.1}, *RECOVERY)


def test_guesses_are_question_titles_best_first():
    buttons = guesses(load_catalog(), WEAK_GUESS)
    assert [b["title"] for b in buttons] == [
        "How long is recovery after minimally invasive surgery?",
        "How long is recovery after a discectomy?",
        "Talk to a person",
    ]
    assert buttons[2]["payload"] == "/request_human"


def test_a_vague_question_about_discs_is_offered_disc_topics_before_ending_the_conversation():
    # "the disc one", as the trained model parses it: no single topic is as likely as "goodbye",
    # but the topics together are
    the_disc_one = unsure(
        {"faq": 0.35, "goodbye": 0.15, "request_callback": 0.11},
        ("what_is_intervertebral_disc", 0.27),
        ("what_is_herniated_disc", 0.19),
        ("what_is_artificial_disc_replacement", 0.17),
    )
    assert [b["payload"] for b in guesses(load_catalog(), the_disc_one)] == [
        '/faq{"faq_topic": "what_is_intervertebral_disc"}',
        '/faq{"faq_topic": "what_is_herniated_disc"}',
        '/faq{"faq_topic": "what_is_artificial_disc_replacement"}',
    ]


def test_an_intent_likelier_than_every_topic_together_comes_first():
    wants_a_person = unsure({"request_human": 0.8, "faq": 0.15}, *RECOVERY)
    titles = [b["title"] for b in guesses(load_catalog(), wants_a_person)]
    assert titles == [
        "Talk to a person",
        "How long is recovery after minimally invasive surgery?",
        "How long is recovery after a discectomy?",
    ]


def test_first_miss_shows_did_you_mean_with_something_else(dispatcher, make_tracker, domain):
    events = ActionDidYouMean().run(dispatcher, make_tracker(**WEAK_GUESS), domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert message["buttons"][-1] == {"title": "Something else", "payload": "/deny"}
    assert len(message["buttons"]) == 4
    assert events[0]["name"] == "fallback_count" and events[0]["value"] == 1


def test_second_miss_in_a_row_offers_a_person_through_the_offer_action(dispatcher, make_tracker, domain):
    """The offer is action_offer_handoff's, so its rules answer "no", "certainly" and "yes"."""
    tracker = make_tracker(slots={"fallback_count": 1.0}, **WEAK_GUESS)
    events = ActionDidYouMean().run(dispatcher, tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_second_miss"]
    assert events == [
        {"event": "slot", "name": "fallback_count", "value": 0.0, "timestamp": None},
        {"event": "slot", "name": "handoff_reason", "value": "repeated_fallback", "timestamp": None},
        {"event": "followup", "name": "action_offer_handoff", "timestamp": None},
    ]


def test_no_usable_guess_asks_to_rephrase(dispatcher, make_tracker, domain):
    nothing = {"intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}], "response_selector": {}}
    ActionDidYouMean().run(dispatcher, make_tracker(**nothing), domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"
