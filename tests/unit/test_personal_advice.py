"""action_personal_advice: no verdict, a pointer to general information, a callback offer."""

from __future__ import annotations

from support.trackers import selector_ranking

from actions.personal_advice import ActionPersonalAdvice


def test_offers_the_closest_topic_a_callback_and_the_topics(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        intent={"name": "personal_advice"},
        response_selector=selector_ranking(("when_is_surgery_needed", 0.8)),
    )
    ActionPersonalAdvice().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_personal_advice"
    assert [b["title"] for b in message["buttons"]] == [
        "When is surgery considered for a disc problem?",
        "Ask the clinic to call me",
        "Show me the topics",
    ]


def test_a_weak_topic_guess_is_not_offered(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        intent={"name": "personal_advice"}, response_selector=selector_ranking(("miss_scar", 0.2))
    )
    ActionPersonalAdvice().run(dispatcher, tracker, domain)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/request_callback", "/help"]
