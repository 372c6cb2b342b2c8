"""End to end: the real Rasa server and action server, talked to over the REST channel."""

from __future__ import annotations

import pytest
import requests
import yaml

from runtime.catalog import load_catalog
from runtime.parse_data import faq_payload
from runtime.settings import ROOT

ANSWERS = {
    name: variants[0]["text"]
    for path in (ROOT / "data" / "responses").glob("*.yml")
    for name, variants in yaml.safe_load(path.read_text())["responses"].items()
}


def answer_text(topic: str) -> str:
    return ANSWERS[f"utter_faq/{topic}"].replace("{emergency_number}", "911")


def texts(replies: list[dict]) -> list[str]:
    return [r.get("text", "") for r in replies]


def test_catalog_question_gets_the_curated_answer_and_follow_up_buttons(chat):
    replies = chat("e2e-faq", "could you explain what a discectomy actually is")

    disclaimer, answer = replies
    assert "automated assistant, not a person" in disclaimer["text"]
    assert "not medical advice" in disclaimer["text"] and "call 911" in disclaimer["text"]
    assert answer["text"] == answer_text("what_is_discectomy")
    assert answer["text"].endswith(
        "_Sources: Discectomy (procedure overview); Disc Extrusion vs. Protrusion_"
    )
    assert answer["buttons"] == [
        {"title": "What happens during a discectomy?", "payload": faq_payload("discectomy_procedure")},
        {"title": "How long is recovery after a discectomy?", "payload": faq_payload("discectomy_recovery")},
        {"title": "What are the risks of a discectomy?", "payload": faq_payload("discectomy_risks")},
    ]


def test_disclaimer_is_shown_once_per_session(chat):
    chat("e2e-once", "hello")
    replies = chat("e2e-once", "what is spinal stenosis")
    assert texts(replies) == [answer_text("what_is_spinal_stenosis")]


def test_follow_up_button_answers_that_topic(chat):
    chat("e2e-button", "what is a discectomy")
    replies = chat("e2e-button", faq_payload("discectomy_risks"))
    assert texts(replies) == [answer_text("discectomy_risks")]


def test_follow_up_question_is_answered_for_the_procedure_in_context(chat):
    chat("e2e-context", "what is a microdiscectomy")
    assert texts(chat("e2e-context", "how long is recovery?")) == [answer_text("discectomy_recovery")]
    chat("e2e-context", "what is minimally invasive spine surgery")
    assert texts(chat("e2e-context", "how long is recovery?")) == [answer_text("miss_recovery")]
    assert texts(chat("e2e-context", "what are the risks?")) == [answer_text("miss_risks")]


def test_follow_up_without_context_asks_which_procedure(chat):
    _, question = chat("e2e-which", "how long is recovery?")
    assert question["text"] == "Which one do you mean?"
    assert [b["title"] for b in question["buttons"]] == ["Discectomy", "Minimally invasive spine surgery"]
    assert texts(chat("e2e-which", question["buttons"][1]["payload"])) == [answer_text("miss_recovery")]


def test_help_lists_the_topic_groups(chat):
    help_reply = chat("e2e-help", "what can you answer?")[-1]
    assert "not medical advice" in help_reply["text"]
    assert len(help_reply["buttons"]) == 5
    group = chat("e2e-help", help_reply["buttons"][3]["payload"])[0]
    assert group["buttons"][0]["title"] == "What is a discectomy?"


def test_out_of_scope_question_is_declined_politely(chat):
    reply = chat("e2e-oos", "what's the best pizza place in town")[-1]
    assert reply["text"].startswith("Sorry, I can only help with general questions")


def test_emergency_symptoms_get_the_emergency_message(chat):
    replies = chat("e2e-emergency", "since this morning I can't feel anything down there and I can't pee")
    assert "Call 911 now or go to the nearest emergency department" in replies[1]["text"]
    assert "I've also alerted the clinic team (reference **SP-" in replies[2]["text"]


def test_parse_contract_for_every_topic_title(assistant):
    """POST /model/parse: intent faq and the topic's response key, for each topic's title."""
    wrong = {}
    for topic in load_catalog().topics.values():
        parsed = requests.post(
            f"{assistant.rasa_url}/model/parse",
            params={"token": assistant.token},
            json={"text": topic.title},
            timeout=30,
        ).json()
        key = (
            parsed.get("response_selector", {}).get("faq", {}).get("response", {}).get("intent_response_key")
        )
        if parsed["intent"]["name"] != "faq" or key != f"faq/{topic.id}":
            wrong[topic.title] = (parsed["intent"]["name"], key)
    assert wrong == {}


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_http_api_requires_the_token(assistant, token):
    params = {"token": token} if token else {}
    response = requests.post(
        f"{assistant.rasa_url}/model/parse", params=params, json={"text": "hi"}, timeout=30
    )
    assert response.status_code == 401


DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def response(name: str) -> str:
    return " ".join(DOMAIN["responses"][name][0]["text"].split())


def test_a_question_about_ones_own_condition_gets_the_answer_a_specialist_and_a_callback(chat):
    chat("e2e-own-case", "hello")
    replies = chat("e2e-own-case", "I have a herniated disc, what does that mean?")
    answer, caveat = replies
    assert answer["text"] == answer_text("what_is_herniated_disc")
    assert " ".join(caveat["text"].split()) == response("utter_own_case_caveat")
    assert caveat["buttons"] == [{"title": "Ask the clinic to call me", "payload": "/request_callback"}]


def test_a_personal_decision_gets_no_verdict_but_the_general_information(chat):
    chat("e2e-decision", "hello")
    first, answer = chat("e2e-decision", "do I need surgery for my slipped disc?")
    assert " ".join(first["text"].split()) == response("utter_personal_advice_general")
    assert answer["text"] == answer_text("when_is_surgery_needed")
    assert [b["payload"] for b in answer["buttons"]] == ["/request_callback", "/help"]


def test_several_questions_in_one_message_get_the_main_answer_and_the_others_as_buttons(chat):
    chat("e2e-several", "hello")
    replies = chat(
        "e2e-several",
        "I had a microdiscectomy three weeks ago. How long is recovery after a discectomy? "
        "And what are the risks of a discectomy?",
    )
    asked = {"discectomy_recovery", "discectomy_risks"}
    answered = next(topic for topic in asked if replies[0]["text"] == answer_text(topic))
    also = next(r for r in replies if r.get("text") == response("utter_also_asked"))
    assert faq_payload((asked - {answered}).pop()) in [b["payload"] for b in also["buttons"]]


def test_two_questions_in_one_sentence_get_the_first_answered_and_the_second_as_a_button(chat):
    """ "What is X and how do you treat it?" read as a whole like its second question: the
    treatment was answered and the question asked first was not even offered."""
    chat("e2e-two-in-one", "hello")
    replies = chat("e2e-two-in-one", "What is a bulging disc and how do you treat it?")
    assert replies[0]["text"] == answer_text("what_is_disc_protrusion")
    also = next(r for r in replies if r.get("text") == response("utter_also_asked"))
    assert faq_payload("protrusion_treatment") in [b["payload"] for b in also["buttons"]]


def test_a_greeting_right_after_the_widgets_greeting_is_not_the_same_greeting_again(chat):
    """The widget opens a conversation with /greet; a patient who then types "hi" (issue #14)."""
    opening = [m["text"] for m in chat("e2e-greet-twice", "/greet")]
    assert any(text.startswith("Hello! What would you like to know") for text in opening)
    again = [m["text"] for m in chat("e2e-greet-twice", "hi")]
    assert again == ["Hi! Type your question whenever you're ready, or say *help* to see the topics."]
