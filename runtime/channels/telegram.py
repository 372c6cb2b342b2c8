"""Telegram: Rasa's channel made safe to expose. Rasa 3.6 accepts any POST to its webhook,
so anyone who knows the URL could forge messages. This one registers the webhook with a
`secret_token` and rejects updates without the matching header (401, nothing processed)."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.bot import api
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from runtime.channels.inbound import screening
from runtime.channels.markdown import to_telegram_html

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram's setWebhook accepts
# The update kinds Rasa's handler reads; it fails with a 500 on the others (a bot being
# blocked, a channel post...), and Telegram would retry those again and again.
HANDLED_UPDATE_KINDS = ("message", "edited_message", "callback_query")


def update_object(body: bytes) -> dict[str, Any] | None:
    """The update as a JSON object, or None when the body is not one."""
    try:
        update = json.loads(body or b"null")
    except ValueError:
        return None
    return update if isinstance(update, dict) else None


class SecureTelegramOutput(TelegramOutput):
    def __init__(self, access_token: str, secret_token: str, api_url: str | None = None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, parse_mode="HTML", server=server)
        self.secret_token = secret_token

    async def set_webhook(self, url: str, *args: Any, **kwargs: Any) -> bool:
        """aiogram 2.15 predates `secret_token`, so the call is made here with it."""
        return await self.request(api.Methods.SET_WEBHOOK, {"url": url, "secret_token": self.secret_token})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, to_telegram_html(text), **kwargs)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        button_type: str | None = "vertical",
        **kwargs: Any,
    ) -> None:
        """One button per row: the topic titles are too long to share a row on a phone."""
        await super().send_text_with_buttons(
            recipient_id, to_telegram_html(text), buttons, button_type, **kwargs
        )


class SecureTelegramInput(TelegramInput):
    """`runtime.channels.telegram.SecureTelegramInput` in credentials.yml; URL /webhooks/telegram/webhook."""

    REQUIRED_SETTINGS = (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BOT_USERNAME",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_SECRET_TOKEN",
    )

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.secret_token = credentials.get("secret_token") or ""
        if not SECRET_TOKEN_FORMAT.fullmatch(channel.secret_token):
            # Without it anyone who knows the webhook URL could post messages as any patient.
            raise InvalidConfigException(
                "TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z, a-z, 0-9, _ and -."
            )
        channel.api_url = credentials.get("api_url") or None
        return channel

    def get_output_channel(self) -> SecureTelegramOutput:
        return SecureTelegramOutput(self.access_token, self.secret_token, self.api_url)

    def is_from_telegram(self, request: Request) -> bool:
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret_token)

    def register_webhook(self) -> None:
        """Tell Telegram where to send updates, with the secret it must send back."""

        async def register() -> bool:
            bot = self.get_output_channel()
            try:
                return await bot.set_webhook(self.webhook_url)
            finally:
                await bot.close()

        try:
            asyncio.run(register())
            logger.info("Telegram webhook registered with a secret token.")
        except TelegramAPIError as error:
            # Keep serving: the webhook may be registered already, and GET .../set_webhook retries.
            logger.error("Telegram webhook not registered (%s); updates may not arrive.", error)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.register_webhook()
        telegram_webhook = super().blueprint(screening(on_new_message))

        @telegram_webhook.middleware("request")
        async def check_update(request: Request) -> HTTPResponse | None:
            if not request.path.endswith("/webhook"):
                return None
            if not self.is_from_telegram(request):
                logger.warning("Rejected a Telegram update without the right %s header.", SECRET_HEADER)
                return response.text("Unauthorized", status=401)
            if request.method != "POST":
                return None
            update = update_object(request.body)
            if update is None:
                return response.text("Bad Request: expected a Telegram update (a JSON object)", status=400)
            if not any(kind in update for kind in HANDLED_UPDATE_KINDS):
                return response.text("ignored")
            return None

        return telegram_webhook
