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
