"""Slack: signed requests are answered through Slack's Web API (a local fake here), in Slack's
formatting and with buttons in rows of five; unsigned, forged or stale requests are rejected
and nothing reaches the conversation."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from support.channel_fakes import SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET
from support.channel_helpers import user_texts, wait_for_requests
from support.http import ReceivedRequest, Receiver

from runtime.channels.slack import SlackChannel
from runtime.handoff.relay import AGENT_MESSAGE_INTENT, send_to_conversation
from tools import servers


def signed(body: bytes, timestamp: int | None = None, secret: str = SLACK_SIGNING_SECRET) -> dict[str, str]:
    """The headers Slack sends: an HMAC-SHA256 of "v0:timestamp:body" with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def direct_message(user: str, channel: str, text: str) -> bytes:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": "1.2",
    }
    return json.dumps({"type": "event_callback", "team_id": "T0TEST", "event": event}).encode()


def button_click(user: str, channel: str, value: str) -> bytes:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": channel},
        "message": {"ts": "1.3"},
        "actions": [{"type": "button", "value": value}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_to_slack_webhook(
    assistant: servers.RunningAssistant,
    body: bytes,
    headers: dict[str, str],
    content_type: str = "application/json",
) -> requests.Response:
    return requests.post(
        f"{assistant.rasa_url}/webhooks/slack/webhook",
        data=body,
        headers={"Content-Type": content_type, **headers},
        timeout=30,
    )


def posts_to(channel: str) -> Any:
    def matches(request: ReceivedRequest) -> bool:
        return request.path == "/api/chat.postMessage" and request.json().get("channel") == channel

    return matches


def with_buttons(channel: str) -> Any:
    return lambda request: posts_to(channel)(request) and "blocks" in request.json()


@pytest.fixture
def conversation() -> tuple[str, str]:
    """A Slack user and the direct-message channel the bot answers in, new for each test."""
    tag = uuid.uuid4().hex[:8].upper()
    return f"U{tag}", f"D{tag}"


def test_a_signed_question_is_answered_with_slack_buttons(assistant, fake_slack_api: Receiver, conversation):
    user, channel = conversation
    body = direct_message(user, channel, "What is a discectomy?")

    response = post_to_slack_webhook(assistant, body, signed(body))

    assert response.status_code == 200
    [answer] = wait_for_requests(fake_slack_api, with_buttons(channel))
    message = answer.json()
    assert answer.headers["Authorization"] == f"Bearer {SLACK_BOT_TOKEN}"
    section, actions = message["blocks"]  # a few buttons: one row
    assert section["text"]["type"] == "mrkdwn"
    assert "A *discectomy* is an operation that removes" in section["text"]["text"]
    assert "**" not in section["text"]["text"]  # Markdown bold became Slack's
    buttons = actions["elements"]
    assert 1 <= len(buttons) <= 5
    titles = [button["text"]["text"] for button in buttons]
    assert "How long is recovery after a discectomy?" in titles
    assert all(button["value"].startswith("/faq{") for button in buttons)
    disclaimer = wait_for_requests(fake_slack_api, posts_to(channel))[0].json()["text"]
    assert "automated assistant, not a person" in disclaimer


def test_clicking_a_button_answers_the_follow_up(assistant, fake_slack_api: Receiver, conversation):
    user, channel = conversation
    question = direct_message(user, channel, "What is a discectomy?")
    post_to_slack_webhook(assistant, question, signed(question))
    [answer] = wait_for_requests(fake_slack_api, with_buttons(channel))
    recovery = next(b for b in answer.json()["blocks"][1]["elements"] if "recovery" in b["text"]["text"])

    click = button_click(user, channel, recovery["value"])
    response = post_to_slack_webhook(assistant, click, signed(click), "application/x-www-form-urlencoded")

    assert response.status_code == 200
    texts = lambda: [r.json()["text"] for r in fake_slack_api.requests if posts_to(channel)(r)]  # noqa: E731
    wait_for_requests(
        fake_slack_api, lambda r: posts_to(channel)(r) and "Recovery after a" in r.json()["text"]
    )
    assert any("Recovery after a *discectomy* is different for each person" in text for text in texts())


REJECTED = {
    "wrong signature": lambda body: signed(body, secret="not-the-signing-secret"),
    "no signature headers": lambda body: {},
    "timestamp older than five minutes": lambda body: signed(body, timestamp=int(time.time()) - 6 * 60),
    "signature of another body": lambda body: signed(body + b" "),
}


@pytest.mark.parametrize("headers_for", REJECTED.values(), ids=REJECTED.keys())
def test_unauthentic_requests_are_rejected_and_not_processed(
    assistant, fake_slack_api: Receiver, conversation, headers_for
):
    user, channel = conversation
    body = direct_message(user, channel, "What is a discectomy?")

    response = post_to_slack_webhook(assistant, body, headers_for(body))

    assert response.status_code == 400
    assert wait_for_requests(fake_slack_api, posts_to(channel), timeout=3) == []
    assert user_texts(assistant, user) == []


def test_a_staff_reply_reaches_the_patient_in_slack(assistant, fake_slack_api: Receiver, conversation):
    user, channel = conversation
    question = direct_message(user, channel, "What is a discectomy?")
    post_to_slack_webhook(assistant, question, signed(question))
    assert wait_for_requests(fake_slack_api, with_buttons(channel))

    send_to_conversation(
        user, AGENT_MESSAGE_INTENT, "Hello, this is Sam from the clinic.", assistant.rasa_url, assistant.token
    )

    relayed = wait_for_requests(
        fake_slack_api,
        lambda r: r.path == "/api/chat.postMessage" and "Sam from the clinic" in r.json()["text"],
    )
    assert relayed, "the staff reply was not posted to Slack"
    assert relayed[0].json()["channel"] in (user, channel)


@pytest.mark.parametrize("body", [b"{not json", b"\x00\xff\xfe"], ids=["malformed", "binary"])
def test_a_signed_but_broken_body_gets_an_error_and_nothing_is_posted(
    assistant, fake_slack_api: Receiver, body
):
    before = len(fake_slack_api.requests)

    response = post_to_slack_webhook(assistant, body, signed(body))

    assert 400 <= response.status_code < 500
    assert len(fake_slack_api.requests) == before


def test_out_of_band_replies_go_to_the_patient_not_to_the_shared_channel():
    channel = SlackChannel.from_credentials(
        {
            "slack_token": SLACK_BOT_TOKEN,
            "slack_signing_secret": SLACK_SIGNING_SECRET,
            "slack_channel": "C0SHARED",
        }
    )
    assert channel.get_output_channel().slack_channel is None  # recipient: the conversation's user
    assert channel.get_output_channel("D0EVENT").slack_channel == "D0EVENT"


def test_a_pasted_report_gets_its_words_and_every_button_in_slack(
    assistant, fake_slack_api: Receiver, conversation
):
    """MRI report words (issue #16): the words explained in Slack's formatting, the rest of
    the words and the topics as buttons, all of them, in rows of at most five."""
    user, channel = conversation
    report = (
        "L4-L5: broad-based disc bulge with a superimposed left paracentral protrusion, mild bilateral "
        "foraminal narrowing, facet arthropathy, ligamentum flavum thickening, desiccation and a small "
        "annular fissure, effacement of the thecal sac. What does this mean?"
    )
    body = direct_message(user, channel, report)
    assert post_to_slack_webhook(assistant, body, signed(body)).status_code == 200
    posts = wait_for_requests(fake_slack_api, posts_to(channel), count=4)
    texts = "\n".join(p.json()["text"] for p in posts)
    assert "Here is what these words mean:\n• *disc bulge" in texts
    assert "**" not in texts
    [last] = [p.json() for p in posts if "blocks" in p.json()][-1:]
    rows = [block["elements"] for block in last["blocks"] if block["type"] == "actions"]
    assert len(rows) >= 2 and all(1 <= len(row) <= 5 for row in rows)
    values = [button["value"] for row in rows for button in row]
    assert any(value.startswith("/explain_report{") for value in values)
