"""Telegram: the webhook is registered with a secret token; updates carrying it are answered
through the Bot API (a local fake here) with buttons as an inline keyboard; updates without
it get 401 and never reach the conversation."""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from rasa.shared.exceptions import InvalidConfigException
from support.channel_fakes import TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN, TELEGRAM_WEBHOOK_URL
from support.channel_helpers import user_texts, wait_for_requests
from support.http import ReceivedRequest, Receiver

from actions.help_menu import group_payload
from runtime.catalog import load_catalog
from runtime.channels.telegram import SECRET_HEADER, SecureTelegramInput
from runtime.handoff.relay import AGENT_MESSAGE_INTENT, send_to_conversation
from runtime.parse_data import faq_payload

CHAT_IDS = count(int(time.time()) % 100000 * 1000)
UPDATE_IDS = count(1)
TELEGRAM_CALLBACK_DATA_LIMIT = 64  # bytes, Bot API InlineKeyboardButton.callback_data


def form(request: ReceivedRequest) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.body.decode()).items()}


def api_calls(method: str, chat_id: int | None = None) -> Any:
    def matches(request: ReceivedRequest) -> bool:
        if request.path != f"/bot{TELEGRAM_BOT_TOKEN}/{method}":
            return False
        return chat_id is None or form(request).get("chat_id") == str(chat_id)

    return matches


def private_message(chat_id: int, text: str) -> dict[str, Any]:
    """A message in the patient's private chat with the bot, as Telegram describes it."""
    patient = {"id": chat_id, "is_bot": False, "first_name": "Pat"}
    chat = {"id": chat_id, "type": "private"}
    return {"message_id": 1, "date": int(time.time()), "chat": chat, "from": patient, "text": text}


def text_update(chat_id: int, text: str) -> dict[str, Any]:
    return {"update_id": next(UPDATE_IDS), "message": private_message(chat_id, text)}


def button_update(chat_id: int, data: str) -> dict[str, Any]:
    """A press on an inline-keyboard button under the bot's message."""
    message = private_message(chat_id, "...")
    callback = {"id": "cb1", "from": message["from"], "message": message, "chat_instance": "1", "data": data}
    return {"update_id": next(UPDATE_IDS), "callback_query": callback}


def post_update(
    assistant, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET_TOKEN
) -> requests.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return requests.post(
        f"{assistant.rasa_url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=60
    )


def sent_texts(api: Receiver, chat_id: int) -> list[str]:
    return [form(request)["text"] for request in api.requests if api_calls("sendMessage", chat_id)(request)]


def test_webhook_is_registered_with_the_secret_token(assistant, fake_telegram_api: Receiver):
    [registration] = wait_for_requests(fake_telegram_api, api_calls("setWebhook"))
    assert form(registration) == {"url": TELEGRAM_WEBHOOK_URL, "secret_token": TELEGRAM_SECRET_TOKEN}


def test_an_update_with_the_secret_is_answered_with_an_inline_keyboard(
    assistant, fake_telegram_api: Receiver
):
    chat_id = next(CHAT_IDS)

    response = post_update(assistant, text_update(chat_id, "What is a discectomy?"))

    assert response.status_code == 200
    with_keyboard = wait_for_requests(
        fake_telegram_api, lambda r: api_calls("sendMessage", chat_id)(r) and "reply_markup" in form(r)
    )
    assert with_keyboard, f"no answer with buttons; sent: {sent_texts(fake_telegram_api, chat_id)}"
    answer = form(with_keyboard[0])
    assert answer["parse_mode"].lower() == "html"  # Telegram reads it case-insensitively
    assert "A <b>discectomy</b> is an operation that removes" in answer["text"]
    rows = json.loads(answer["reply_markup"])["inline_keyboard"]
    assert all(len(row) == 1 for row in rows)  # one button per row
    titles = [row[0]["text"] for row in rows]
    assert "How long is recovery after a discectomy?" in titles
    assert any("automated assistant, not a person" in text for text in sent_texts(fake_telegram_api, chat_id))


def test_a_button_press_answers_the_follow_up(assistant, fake_telegram_api: Receiver):
    chat_id = next(CHAT_IDS)
    post_update(assistant, text_update(chat_id, "What is a discectomy?"))
    [answer] = wait_for_requests(
        fake_telegram_api, lambda r: api_calls("sendMessage", chat_id)(r) and "reply_markup" in form(r)
    )
    rows = json.loads(form(answer)["reply_markup"])["inline_keyboard"]
    recovery = next(row[0] for row in rows if "recovery" in row[0]["text"])

    response = post_update(assistant, button_update(chat_id, recovery["callback_data"]))

    assert response.status_code == 200
    assert any(
        "Recovery after a <b>discectomy</b> is different" in text
        for text in sent_texts(fake_telegram_api, chat_id)
    )


@pytest.mark.parametrize(
    "secret",
    [None, "", "not-the-secret", TELEGRAM_SECRET_TOKEN + "x"],
    ids=["missing", "empty", "wrong", "longer"],
)
def test_updates_without_the_secret_are_rejected_and_not_processed(
    assistant, fake_telegram_api: Receiver, secret
):
    chat_id = next(CHAT_IDS)

    response = post_update(assistant, text_update(chat_id, "What is a discectomy?"), secret=secret)

    assert response.status_code == 401
    assert wait_for_requests(fake_telegram_api, api_calls("sendMessage", chat_id), timeout=2) == []
    assert user_texts(assistant, str(chat_id)) == []


def test_every_button_payload_fits_telegram_callback_data():
    catalog = load_catalog()
    payloads = [faq_payload(topic.id) for topic in catalog.topics.values()]
    payloads += [f"/faq/{topic.id}" for topic in catalog.topics.values()]  # did-you-mean choices
    payloads += [group_payload(group.id, page) for group in catalog.groups for page in range(1, 5)]
    too_long = [p for p in payloads if len(p.encode()) > TELEGRAM_CALLBACK_DATA_LIMIT]
    assert too_long == []


def test_a_staff_reply_reaches_the_patient_in_telegram(assistant, fake_telegram_api: Receiver):
    chat_id = next(CHAT_IDS)
    post_update(assistant, text_update(chat_id, "What is a discectomy?"))

    send_to_conversation(
        str(chat_id),
        AGENT_MESSAGE_INTENT,
        "Hello, this is Sam from the clinic.",
        assistant.rasa_url,
        assistant.token,
    )

    relayed = wait_for_requests(
        fake_telegram_api,
        lambda r: api_calls("sendMessage", chat_id)(r) and "Sam from the clinic" in form(r)["text"],
    )
    assert relayed, f"the staff reply was not sent; sent: {sent_texts(fake_telegram_api, chat_id)}"


@pytest.mark.parametrize("secret", ["", "has spaces", "x" * 257, "emoji-🔑"])
def test_the_channel_refuses_to_start_without_a_usable_secret(secret):
    credentials = {"access_token": TELEGRAM_BOT_TOKEN, "verify": "bot", "webhook_url": TELEGRAM_WEBHOOK_URL}
    with pytest.raises(InvalidConfigException, match="TELEGRAM_SECRET_TOKEN"):
        SecureTelegramInput.from_credentials({**credentials, "secret_token": secret})


@pytest.mark.parametrize(
    "body",
    [b"", b"{not json", b"\x00\xff\xfe", b'"just a string"'],
    ids=["empty", "malformed", "binary", "string"],
)
def test_a_broken_update_with_the_secret_gets_an_error_and_the_channel_keeps_working(
    assistant, fake_telegram_api, body
):
    response = requests.post(
        f"{assistant.rasa_url}/webhooks/telegram/webhook",
        data=body,
        headers={SECRET_HEADER: TELEGRAM_SECRET_TOKEN, "Content-Type": "application/json"},
        timeout=30,
    )
    assert 400 <= response.status_code < 500

    chat_id = next(CHAT_IDS)
    assert post_update(assistant, text_update(chat_id, "What is a discectomy?")).status_code == 200


@pytest.mark.parametrize(
    "update",
    [{"update_id": 9, "my_chat_member": {"chat": {"id": 1, "type": "private"}}}, {"update_id": 10}],
    ids=["bot blocked by a user", "nothing in it"],
)
def test_updates_of_other_kinds_are_acknowledged_so_telegram_does_not_retry(assistant, update):
    assert post_update(assistant, update).status_code == 200


def test_the_words_of_a_pasted_mri_report_read_well_in_telegram(assistant, fake_telegram_api: Receiver):
    chat_id = next(CHAT_IDS)
    report = (
        "L5-S1: broad-based disc bulge with superimposed left paracentral protrusion contacting the "
        "descending left S1 nerve root. Mild bilateral foraminal narrowing. what does this mean"
    )
    assert post_update(assistant, text_update(chat_id, report)).status_code == 200

    limits = wait_for_requests(
        fake_telegram_api,
        lambda r: api_calls("sendMessage", chat_id)(r) and "explain the words only" in form(r)["text"],
    )
    assert limits, f"no report reply; sent: {sent_texts(fake_telegram_api, chat_id)}"
    words = next(
        t for t in sent_texts(fake_telegram_api, chat_id) if t.startswith("Here is what these words mean")
    )
    assert "<b>disc bulge" in words and "**" not in words  # Markdown bold became Telegram HTML
    more = [
        json.loads(form(r)["reply_markup"])["inline_keyboard"]
        for r in fake_telegram_api.requests
        if api_calls("sendMessage", chat_id)(r) and "more report words" in form(r)["text"]
    ]
    assert more and all(len(row[0]["callback_data"].encode()) <= 64 for row in more[0])
