"""ops.validate_data: only verified false positives of `rasa data validate` are accepted."""

from __future__ import annotations

from ops.validate_data import unexplained


def test_response_sent_by_a_custom_action_is_accepted():
    assert unexplained(["The utterance 'utter_did_you_mean' is not used in any story or rule."]) == []


def test_response_nobody_sends_is_reported():
    warning = "The utterance 'utter_forgotten' is not used in any story or rule."
    assert unexplained([warning]) == [warning]


def test_duplicate_retrieval_intent_is_accepted_but_other_duplicates_are_not():
    ok = "The following duplicated intents have been found across multiple domain files: faq"
    bad = "The following duplicated intents have been found across multiple domain files: greet"
    assert unexplained([ok, bad]) == [bad]


def test_any_other_warning_is_reported():
    warning = "The example 'hello' was found labeled with multiple different intents"
    assert unexplained([warning]) == [warning]


def test_a_form_question_is_accepted_but_not_an_unknown_utter_ask():
    asked = "The utterance 'utter_ask_callback_name' is not used in any story or rule."
    unknown = "The utterance 'utter_ask_shoe_size' is not used in any story or rule."
    assert unexplained([asked, unknown]) == [unknown]


def test_an_intent_without_examples_is_accepted_only_when_staff_tools_trigger_it():
    external = (
        "The intent 'agent_message' is listed in the domain file, but is not found in the NLU training data."
    )
    forgotten = (
        "The intent 'book_taxi' is listed in the domain file, but is not found in the NLU training data."
    )
    assert unexplained([external, forgotten]) == [forgotten]
