"""Live takeover on every channel that staff can reach (REST, Slack, Telegram; the widget is in
test_inbox_browser.py): a claimed ticket makes the bot stand back and forward the patient's
messages to the ticket, an emergency still gets the safety reply at once, and closing the
ticket hands the conversation back to the bot. Staff act through `python -m tools.staff`, a
real process on the same store; the conversation's tracker shows what the bot did."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
import requests
from support.channel_helpers import wait_for_requests
from support.http import wait_for
from test_handoff_e2e import staff_cli
from test_slack_channel import button_click, direct_message, post_to_slack_webhook, signed
from test_telegram_channel import CHAT_IDS, api_calls, button_update, form, post_update, text_update

from runtime.handoff.store import HandoffStore
from tools import servers

QUESTION = "what is a discectomy"
ANSWER = "removes the part of a herniated"
EMERGENCY = "oh no i just wet myself and cant feel my legs"
JOINED = "A member of the clinic team is now with you"
EMERGENCY_REPLY = "This could be an emergency"
MESSAGE_IDS = count(1)


def tracker_events(assistant: servers.RunningAssistant, sender: str) -> list[dict[str, Any]]:
    return requests.get(
        f"{assistant.rasa_url}/conversations/{sender}/tracker", params={"token": assistant.token}, timeout=30
    ).json()["events"]


def user_event_count(assistant: servers.RunningAssistant, sender: str) -> int:
    return sum(e["event"] == "user" for e in tracker_events(assistant, sender))


def exchange(
    assistant: servers.RunningAssistant, sender: str, send: Callable[[str], None], text: str
) -> list:
    """Sends the patient's message; once the bot is done with it, what the bot did after it."""
    before = user_event_count(assistant, sender)
    send(text)
    found: list[dict[str, Any]] = []

    def done() -> bool:
        events = tracker_events(assistant, sender)
        users = [i for i, e in enumerate(events) if e["event"] == "user"]
        if len(users) <= before:
            return False
        found[:] = events[users[-1] + 1 :]
        return bool(found) and found[-1]["event"] == "action" and found[-1]["name"] == "action_listen"

    assert wait_for(done, timeout=60), f"the bot never finished with {text!r}"
    return found


def bot_texts(events: list[dict[str, Any]]) -> list[str]:
    return [e.get("text") or "" for e in events if e["event"] == "bot"]


class Patient:
    """One patient on one channel: what they send, and what the channel delivered to them."""

    def __init__(self, sender: str, send: Callable[[str], None], press: Callable[[str], None],
                 delivered: Callable[[str], bool]) -> None:  # fmt: skip
        self.sender, self.send, self.press, self.delivered = sender, send, press, delivered


def rest_patient(assistant: servers.RunningAssistant, *_: object) -> Patient:
    sender = f"takeover-rest-{uuid.uuid4().hex[:6]}"

    def send(text: str) -> None:
        requests.post(
            f"{assistant.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        ).raise_for_status()

    # REST has no push: what the staff's relays say is in the conversation, read by the client.
    return Patient(
        sender, send, send, lambda text: any(text in t for t in bot_texts(tracker_events(assistant, sender)))
    )


def slack_patient(assistant: servers.RunningAssistant, slack, _telegram) -> Patient:
    tag = uuid.uuid4().hex[:8].upper()
    user, channel = f"U{tag}", f"D{tag}"

    def send(text: str) -> None:
        body = direct_message(user, channel, text)
        post_to_slack_webhook(assistant, body, signed(body))

    def press(payload: str) -> None:
        body = button_click(user, channel, payload)
        post_to_slack_webhook(assistant, body, signed(body), "application/x-www-form-urlencoded")

    def delivered(text: str) -> bool:
        return bool(wait_for_requests(
            slack, lambda r: r.path == "/api/chat.postMessage" and text in r.json().get("text", "")
        ))  # fmt: skip

    return Patient(user, send, press, delivered)


def telegram_patient(assistant: servers.RunningAssistant, _slack, telegram) -> Patient:
    chat_id = next(CHAT_IDS)

    def delivered(text: str) -> bool:
        return bool(wait_for_requests(
            telegram, lambda r: api_calls("sendMessage", chat_id)(r) and text in form(r)["text"]
        ))  # fmt: skip

    return Patient(
        str(chat_id),
        lambda text: post_update(assistant, text_update(chat_id, text)),
        lambda payload: post_update(assistant, button_update(chat_id, payload)),
        delivered,
    )


@pytest.mark.parametrize(
    "make_patient", [rest_patient, slack_patient, telegram_patient], ids=["rest", "slack", "telegram"]
)
def test_a_claimed_ticket_takes_the_conversation_over_until_it_is_closed(
    assistant, assistant_handoff_url, fake_slack_api, fake_telegram_api, make_patient
):
    patient = make_patient(assistant, fake_slack_api, fake_telegram_api)
    exchange(assistant, patient.sender, patient.send, "can i talk to a real person please")
    exchange(assistant, patient.sender, patient.press, "/affirm")
    ticket = HandoffStore(assistant_handoff_url).open_ticket_for(patient.sender)
    assert ticket is not None

    claimed = staff_cli(assistant, assistant_handoff_url, "claim", ticket.reference, "--agent", "Nurse Sam")
    assert claimed.returncode == 0, claimed.stderr
    assert patient.delivered(JOINED)

    after = exchange(assistant, patient.sender, patient.send, QUESTION)
    assert bot_texts(after) == []  # the bot stands back
    assert [e["name"] for e in after if e["event"] == "action"] == [
        "action_forward_to_staff",
        "action_listen",
    ]
    transcript = HandoffStore(assistant_handoff_url).get(ticket.reference).transcript
    assert QUESTION in [e["text"] for e in transcript if e["who"] == "user"]

    assert EMERGENCY_REPLY in bot_texts(exchange(assistant, patient.sender, patient.send, EMERGENCY))[0]
    assert patient.delivered(EMERGENCY_REPLY)

    assert staff_cli(assistant, assistant_handoff_url, "close", ticket.reference).returncode == 0
    assert patient.delivered("The clinic team has closed your request")
    answer = bot_texts(exchange(assistant, patient.sender, patient.send, QUESTION))
    assert any(ANSWER in text for text in answer)
