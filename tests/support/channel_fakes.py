"""Made-up channel settings and the answers of the local fakes of Slack's and Telegram's APIs:
the integration servers run every channel against them."""

from __future__ import annotations

from typing import Any

from support.http import ReceivedRequest

NOTIFICATION_SECRET = "made-up-test-secret"

# Made-up channel settings: the session's servers run every channel against local fakes.
SLACK_BOT_TOKEN = "xoxb-made-up-test-token"
SLACK_SIGNING_SECRET = "made-up-slack-signing-secret"
TELEGRAM_BOT_TOKEN = "123456:made-up-telegram-token"
TELEGRAM_BOT_USERNAME = "spine_test_bot"
TELEGRAM_SECRET_TOKEN = "made-up_telegram-secret"
TELEGRAM_WEBHOOK_URL = "https://assistant.clinic.invalid/webhooks/telegram/webhook"


def slack_api_reply(request: ReceivedRequest) -> dict[str, Any]:
    return {"ok": True, "channel": "D0TEST", "ts": "1700000000.000100"}


def telegram_api_reply(request: ReceivedRequest) -> dict[str, Any]:
    """Telegram Bot API answers: getMe names the bot, sends return a message."""
    method = request.path.rsplit("/", 1)[-1]
    if method == "getMe":
        return {
            "ok": True,
            "result": {"id": 42, "is_bot": True, "first_name": "Spine", "username": TELEGRAM_BOT_USERNAME},
        }
    if method.startswith("send"):
        return {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
    return {"ok": True, "result": True}
