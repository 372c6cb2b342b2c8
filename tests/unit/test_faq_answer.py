"""action_answer_faq: the curated answer, follow-up buttons, context for follow-ups."""

from __future__ import annotations

from support.trackers import selector_ranking

from actions.faq_answer import ActionAnswerFaq
from runtime.parse_data import faq_payload

PROCEDURE_ENTITY = [{"entity": "procedure", "value": "keyhole", "start": 0, "end": 7}]


def run(dispatcher, tracker, domain):
    return ActionAnswerFaq().run(dispatcher, tracker, domain)


def test_answers_the_selected_topic_with_its_followups(dispatcher, make_tracker, domain):
    tracker = make_tracker(response_selector=selector_ranking(("what_is_discectomy", 0.9)))
    events = run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_faq/what_is_discectomy"
    assert [b["title"] for b in message["buttons"]] == [
        "What happens during a discectomy?",
        "How long is recovery after a discectomy?",
        "What are the risks of a discectomy?",
    ]
    assert message["buttons"][0]["payload"] == '/faq{"faq_topic": "discectomy_procedure"}'
    assert {"event": "slot", "name": "last_faq_topic", "value": "what_is_discectomy"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


def test_follow_up_without_subject_uses_the_topic_in_context(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        slots={"last_faq_topic": "what_is_discectomy"},
        response_selector=selector_ranking(("miss_recovery", 0.8)),
    )
    run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_faq/discectomy_recovery"


def test_follow_up_after_miss_answers_for_miss(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        slots={"last_faq_topic": "miss_scar"},
        response_selector=selector_ranking(("discectomy_risks", 0.8)),
    )
    run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_faq/miss_risks"


def test_follow_up_without_any_context_asks_which_procedure(dispatcher, make_tracker, domain):
    tracker = make_tracker(response_selector=selector_ranking(("discectomy_recovery", 0.8)))
    events = run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_which_subject"
    assert {b["payload"] for b in message["buttons"]} == {
        faq_payload("discectomy_recovery"),
        faq_payload("miss_recovery"),
    }
    assert "Discectomy" in [b["title"] for b in message["buttons"]]
    assert events == []


def test_a_named_procedure_wins_over_context(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        slots={"last_faq_topic": "what_is_discectomy"},
        entities=PROCEDURE_ENTITY,
        response_selector=selector_ranking(("miss_recovery", 0.8)),
    )
    run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_faq/miss_recovery"


def test_button_choice_is_answered_without_the_classifier(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        text='/faq{"faq_topic": "miss_scar"}',
        entities=[{"entity": "faq_topic", "value": "miss_scar"}],
        response_selector={},
    )
    run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_faq/miss_scar"


def test_unknown_topic_asks_to_rephrase(dispatcher, make_tracker, domain):
    tracker = make_tracker(entities=[{"entity": "faq_topic", "value": "no_such_topic"}])
    assert run(dispatcher, tracker, domain) == []
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"


def test_a_question_about_ones_own_case_gets_the_answer_then_a_specialist_and_a_callback(
    dispatcher, make_tracker, domain
):
    tracker = make_tracker(
        text="I have a herniated disc, what does it mean?",
        response_selector=selector_ranking(("what_is_herniated_disc", 0.9)),
        own_case=True,
    )
    run(dispatcher, tracker, domain)
    answer, caveat = dispatcher.messages
    assert answer["response"] == "utter_faq/what_is_herniated_disc"
    assert caveat["response"] == "utter_own_case_caveat"
    [button] = domain["responses"]["utter_own_case_caveat"][0]["buttons"]
    assert button["payload"] == "/request_callback"


def test_a_general_question_gets_no_caveat(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        response_selector=selector_ranking(("what_is_herniated_disc", 0.9)), own_case=False
    )
    run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq/what_is_herniated_disc"]


def test_further_questions_of_the_message_are_offered_as_buttons(dispatcher, make_tracker, domain):
    tracker = make_tracker(
        response_selector=selector_ranking(("what_is_discectomy", 0.9)),
        other_questions=["discectomy_risks", "no_such_topic"],
    )
    run(dispatcher, tracker, domain)
    answer, also = dispatcher.messages
    assert answer["response"] == "utter_faq/what_is_discectomy"
    assert also["response"] == "utter_also_asked"
    assert [b["payload"] for b in also["buttons"]] == [faq_payload("discectomy_risks")]
