"""Handoff end to end: REST conversation -> ticket -> signed notification -> agent reply -> user."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import requests
from support.channel_fakes import NOTIFICATION_SECRET
from support.http import wait_for

from runtime.handoff.notifiers import verify_signature
from runtime.handoff.store import HandoffStore
from runtime.settings import ROOT

REFERENCE = re.compile(r"\*\*(SP-[0-9A-Z]{4})\*\*")


def texts(replies):
    return [r.get("text", "") for r in replies]


def bot_texts(assistant, sender):
    tracker = requests.get(
        f"{assistant.rasa_url}/conversations/{sender}/tracker", params={"token": assistant.token}, timeout=30
    ).json()
    return [e.get("text") for e in tracker["events"] if e["event"] == "bot"]


def staff_cli(assistant, handoff_url, *args):
    env = {**os.environ, "RASA_URL": assistant.rasa_url, "RASA_AUTH_TOKEN": assistant.token}
    env["HANDOFF_DB_URL"] = handoff_url
    return subprocess.run(
        [sys.executable, "-m", "tools.staff", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_user_asks_for_a_person_and_staff_reply_into_the_conversation(
    chat, assistant, assistant_handoff_url, notification_receiver
):
    offer = chat("e2e-person", "can i talk to a real person please")[-1]
    assert "Is that OK?" in offer["text"]
    confirmation = chat("e2e-person", "/affirm")[-1]["text"]
    reference = REFERENCE.search(confirmation).group(1)

    [ticket] = [t for t in HandoffStore(assistant_handoff_url).list_tickets() if t.reference == reference]
    assert ticket.conversation_id == "e2e-person" and ticket.channel == "rest"
    assert ticket.reason == "user_request" and ticket.priority == "normal" and ticket.contact is None
    assert "can i talk to a real person please" in [e["text"] for e in ticket.transcript]

    assert wait_for(lambda: any(reference in r.body.decode() for r in notification_receiver.requests))
    notification = next(r for r in notification_receiver.requests if reference in r.body.decode())
    assert verify_signature(
        NOTIFICATION_SECRET,
        notification.headers["X-Handoff-Request-Timestamp"],
        notification.body,
        notification.headers["X-Handoff-Signature"],
        now=time.time(),
    )
    assert "real person" not in notification.body.decode()  # no conversation text leaves

    shown = staff_cli(assistant, assistant_handoff_url, "show", reference).stdout
    assert "Patient: can i talk to a real person please" in shown
    assert "Assistant: I can pass this conversation to the clinic team." in shown  # what the bot said
    assert "Patient: pressed: Yes, share it" in shown and "/affirm" not in shown  # what they pressed
    assert re.search(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T\]", shown)  # the clinic's zone

    assert staff_cli(assistant, assistant_handoff_url, "claim", reference, "--agent", "Sam").returncode == 0
    sent = staff_cli(assistant, assistant_handoff_url, "send", reference, "Hi, this is Sam from the clinic.")
    assert sent.returncode == 0, sent.stderr
    assert "**Clinic team:** Hi, this is Sam from the clinic." in bot_texts(assistant, "e2e-person")

    assert staff_cli(assistant, assistant_handoff_url, "close", reference).returncode == 0
    assert any("closed your request" in t for t in bot_texts(assistant, "e2e-person") if t)
    assert HandoffStore(assistant_handoff_url).get(reference).status == "closed"


def test_callback_form_with_a_correction_stores_the_contact_only_after_consent(chat, assistant_handoff_url):
    sender = "e2e-callback"
    assert "Is that OK?" in chat(sender, "please can someone call me back")[-1]["text"]
    assert texts(chat(sender, "/affirm")) == ["What name should the clinic ask for?"]
    assert texts(chat(sender, "Jo Example")) == ["What phone number or e-mail address should they use?"]
    invalid = texts(chat(sender, "tomorrow"))
    assert invalid[0].startswith("That doesn't look like a phone number or an e-mail address")
    chat(sender, "jo@exmaple.com")
    summary = chat(sender, "weekday mornings")[-1]
    assert "- Contact: jo@exmaple.com" in summary["text"]
    assert "Which part" in chat(sender, "/deny")[-1]["text"]
    assert texts(chat(sender, '/request_callback{"callback_field": "callback_contact"}')) == [
        "What phone number or e-mail address should they use?"
    ]
    assert "- Contact: jo@example.com" in chat(sender, "jo@example.com")[-1]["text"]
    reference = REFERENCE.search(chat(sender, "/affirm")[-1]["text"]).group(1)

    ticket = HandoffStore(assistant_handoff_url).get(reference)
    assert ticket.reason == "callback"
    assert ticket.contact == {
        "name": "Jo Example",
        "contact": "jo@example.com",
        "preferred_time": "weekday mornings",
    }


def test_never_mind_stops_the_form_and_keeps_nothing(chat, assistant, assistant_handoff_url):
    """What the bot says is true: the name and number typed are gone from the conversation's
    record too, as the HTTP API shows it (issue #11)."""
    sender = "e2e-stop"
    chat(sender, "i want to book a consultation")
    chat(sender, "/affirm")
    chat(sender, "Zebulon Quarry")
    chat(sender, "555 010 4242")
    assert texts(chat(sender, "never mind")) == [
        "OK, I've stopped the callback request. Nothing you typed for it was kept."
    ]
    assert [
        t for t in HandoffStore(assistant_handoff_url).list_tickets() if t.conversation_id == sender
    ] == []
    record = requests.get(
        f"{assistant.rasa_url}/conversations/{sender}/tracker", params={"token": assistant.token}, timeout=30
    ).text
    assert "Zebulon" not in record and "555 010 4242" not in record
    assert "i want to book a consultation" in record  # the rest of the conversation stays


def test_an_emergency_typed_in_the_form_comes_first_and_the_form_can_resume(chat):
    sender = "e2e-form-emergency"
    chat(sender, "can someone call me back")
    chat(sender, "/affirm")
    replies = texts(chat(sender, "oh no i just wet myself and cant feel my legs"))
    assert "Call 911 now or go to the nearest emergency department" in replies[0]
    assert "alerted the clinic team" in replies[1]
    assert replies[2] == "Would you like to continue your callback request afterwards?"
    assert texts(chat(sender, "/affirm")) == ["What name should the clinic ask for?"]


def tickets_of(handoff_url, sender):
    return [t for t in HandoffStore(handoff_url).list_tickets() if t.conversation_id == sender]


CALLBACK_CONSENT_QUESTION = (
    "To call you back the clinic needs your name, a phone number or e-mail address, and a good time to reach "
    "you. They are stored with this conversation only so the clinic team can contact you, and deleted after "
    "90 days. Is that OK?"
)
UNSURE = "Just to be sure, I'll only pass anything on to the clinic team with a clear yes from you."


def test_an_unsure_or_conditional_reply_to_the_offer_shares_nothing_and_is_asked_again(
    chat, assistant_handoff_url
):
    """The NLU reads "hmm not sure" as affirm (0.80): the offer's rule alone shared the conversation."""
    sender = "e2e-unsure"
    chat(sender, "can i talk to a real person please")
    for reply in ("hmm not sure", "yes but don't share my name"):
        answer = texts(chat(sender, reply))
        assert answer[0] == UNSURE
        assert "Is that OK?" in answer[1]
        assert tickets_of(assistant_handoff_url, sender) == []
    reference = REFERENCE.search(chat(sender, "yes please")[-1]["text"]).group(1)
    [ticket] = tickets_of(assistant_handoff_url, sender)
    assert ticket.reference == reference
    assert "yes but don't share my name" in [e["text"] for e in ticket.transcript]


def test_a_reply_to_the_offer_that_is_no_yes_or_no_gets_the_offer_again(chat, assistant_handoff_url):
    """Replies of the blind consent sets the NLU reads as no yes or no: "certainly" (nlu_fallback)
    got a "Did you mean" with topic buttons, "yes thank u so much" (thank) "You're welcome", and
    "Happy with that" (out_of_scope) the out-of-scope reply: the question was gone, nothing shared."""
    sender = "e2e-offer-no-yes-or-no"
    chat(sender, "can i talk to a real person please")
    for reply in ("certainly", "yes thank u so much", "Happy with that"):
        answer = texts(chat(sender, reply))
        assert answer[0] == UNSURE and "Is that OK?" in answer[1]
        assert tickets_of(assistant_handoff_url, sender) == []
    assert REFERENCE.search(chat(sender, "/affirm")[-1]["text"])


def test_cancel_after_the_offer_says_nothing_was_shared(chat, assistant_handoff_url):
    """ "cancel", "rather not" read as stop: they got "What else would you like to know?", which
    left unsaid whether the conversation went to the clinic."""
    sender = "e2e-offer-cancelled"
    chat(sender, "can i talk to a real person please")
    assert texts(chat(sender, "rather not"))[0].startswith("OK, I haven't shared anything.")
    assert tickets_of(assistant_handoff_url, sender) == []


def test_unsure_replies_to_the_callback_questions_keep_nothing_until_a_clear_yes(chat, assistant_handoff_url):
    sender = "e2e-callback-unsure"
    chat(sender, "can someone call me back")
    for reply in ("hmm not sure", "certainly"):  # affirm with doubt; not understood
        answer = texts(chat(sender, reply))
        assert answer == [UNSURE, CALLBACK_CONSENT_QUESTION]  # no "Did you mean" in between
    chat(sender, "/affirm")
    chat(sender, "Jo Example")
    chat(sender, "555 010 0199")
    assert "Shall I send it?" in chat(sender, "mornings")[-1]["text"]
    for reply in ("let me think about it", "certainly"):  # affirm with doubt; not understood
        answer = texts(chat(sender, reply))
        assert answer[0] == UNSURE and "Shall I send it?" in answer[1]
    assert tickets_of(assistant_handoff_url, sender) == []
    chat(sender, "/affirm")
    [ticket] = tickets_of(assistant_handoff_url, sender)
    assert ticket.contact["name"] == "Jo Example"


def test_a_yes_to_a_did_you_mean_shares_nothing(chat, assistant_handoff_url):
    """The rule for a yes after the offer of a person (two misses) also matched a yes to a first
    "Did you mean", where nothing about sharing was asked: it stored a ticket."""
    sender = "e2e-yes-to-did-you-mean"
    assert "Did you mean" in chat(sender, "the disc one")[-1]["text"]
    assert texts(chat(sender, "yes")) == [
        "OK. What else would you like to know? Say *help* to see the topics."
    ]
    assert tickets_of(assistant_handoff_url, sender) == []


def test_a_reply_not_understood_after_the_offer_made_after_two_misses_gets_the_offer_again(
    chat, assistant_handoff_url
):
    """That offer came from action_did_you_mean, so the rules that follow the offer did not
    follow it: "certainly" got a first-miss "Did you mean" and the offer was gone."""
    sender = "e2e-two-misses-certainly"
    chat(sender, "the disc one")
    assert "Is that OK?" in chat(sender, "the disc one")[-1]["text"]
    answer = texts(chat(sender, "certainly"))
    assert answer[0] == UNSURE and "Is that OK?" in answer[1]
    assert tickets_of(assistant_handoff_url, sender) == []
    assert REFERENCE.search(chat(sender, "/affirm")[-1]["text"])
    [ticket] = tickets_of(assistant_handoff_url, sender)
    assert ticket.reason == "repeated_fallback"


def test_no_to_the_offer_made_after_two_misses_says_nothing_was_shared(chat, assistant_handoff_url):
    """ "no" there got "Could you say that another way?", the reply to "none of the guesses fit",
    which left unsaid whether the conversation went to the clinic."""
    sender = "e2e-two-misses-no"
    chat(sender, "the disc one")
    assert "Is that OK?" in chat(sender, "the disc one")[-1]["text"]
    assert texts(chat(sender, "no"))[0].startswith("OK, I haven't shared anything.")
    assert tickets_of(assistant_handoff_url, sender) == []
