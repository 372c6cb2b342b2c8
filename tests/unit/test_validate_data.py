"""tools.validate_data: only verified false positives of `rasa data validate` are accepted."""

from __future__ import annotations

import re

import yaml

from runtime.handoff import relay
from runtime.settings import ROOT
from tools.validate_data import allowed, unexplained


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


def test_the_allow_list_names_exactly_the_responses_actions_send():
    """The allow-list stays true: every response an action names is listed, and every listed one
    is a response of the domain that some action names."""
    source = "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
    # utter_action: the key of a bot event's metadata that names the response it sent
    named = set(re.findall(r"\butter_\w+", source)) - {"utter_message", "utter_faq", "utter_action"}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    asked_by_forms = {f"utter_ask_{s}" for f in domain["forms"].values() for s in f["required_slots"]}
    listed = set(allowed()["responses_sent_by_actions"])
    assert listed == named - asked_by_forms
    assert listed <= set(domain["responses"])


def test_the_staff_intents_are_the_ones_the_relay_sends():
    assert set(allowed()["intents_triggered_by_staff_tools"]) == {
        relay.AGENT_MESSAGE_INTENT,
        relay.HANDOFF_CLOSED_INTENT,
        relay.STAFF_JOINED_INTENT,
    }


def test_the_allow_list_names_exactly_the_responses_sent_without_the_action_server():
    from runtime import degraded

    source = (ROOT / "runtime" / "degraded.py").read_text()
    named = set(re.findall(r"\butter_\w+", source)) - set(allowed()["responses_sent_by_actions"])
    assert set(allowed()["responses_sent_without_the_action_server"]) == named
    assert degraded.DEFAULT_RESPONSE in named
