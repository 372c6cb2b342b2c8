"""action_personal_advice: no verdict, the general information it has, a specialist and a callback."""

from __future__ import annotations

from support.trackers import selector_ranking

from actions.personal_advice import ActionPersonalAdvice


def test_gives_the_closest_topics_general_answer_after_saying_it_cannot_decide(
    dispatcher, make_tracker, domain
):
    tracker = make_tracker(
        intent={"name": "personal_advice"},
        response_selector=selector_ranking(("when_is_surgery_needed", 0.8)),
    )
    events = ActionPersonalAdvice().run(dispatcher, tracker, domain)

    first, answer = dispatcher.messages
    assert first["response"] == "utter_personal_advice_general"
    assert answer["response"] == "utter_faq/when_is_surgery_needed"
    assert [b["title"] for b in answer["buttons"]] == ["Ask the clinic to call me", "Show me the topics"]
    assert {"event": "slot", "name": "last_faq_topic", "value": "when_is_surgery_needed"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


def test_without_a_close_topic_it_offers_a_callback_and_the_topics(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        intent={"name": "personal_advice"}, response_selector=selector_ranking(("miss_scar", 0.2))
    )
    ActionPersonalAdvice().run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_personal_advice"
    assert [b["payload"] for b in message["buttons"]] == ["/request_callback", "/help"]
