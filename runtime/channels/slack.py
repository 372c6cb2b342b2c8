"""Slack: Rasa's channel (it checks Slack's request signature and rejects stale or
unsigned requests) with replies in Slack's own formatting and a configurable API URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint
from slack_sdk.web.async_client import AsyncWebClient

from runtime.channels.inbound import screening
from runtime.channels.markdown import to_slack_mrkdwn

# Buttons per actions block: a row each. Slack allowed 5 an actions block for years (25 now);
# rows of 5 read well and fit both. Rasa's own output drops every button after the fifth.
BUTTONS_PER_ROW = 5


class SlackOutput(SlackBot):
    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str | None = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_url:
            self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, to_slack_mrkdwn(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Rasa's version sends the text as plain_text and at most five buttons; ours keeps the
        answer's formatting and every button, in rows (an MRI report's words can be more)."""
        mrkdwn = to_slack_mrkdwn(text)
        elements = [
            {"type": "button", "text": {"type": "plain_text", "text": b["title"][:75]}, "value": b["payload"]}
            for b in buttons
        ]
        rows = [
            {"type": "actions", "elements": elements[start : start + BUTTONS_PER_ROW]}
            for start in range(0, len(elements), BUTTONS_PER_ROW)
        ]
        await self._post_message(
            channel=self.slack_channel or recipient_id,
            text=mrkdwn,  # the notification and accessibility fallback
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}, *rows],
        )


class SlackChannel(SlackInput):
    """`runtime.channels.slack.SlackChannel` in credentials.yml; its URL stays /webhooks/slack/webhook."""

    REQUIRED_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.slack_channel = channel.slack_channel or None  # empty: no extra channel to answer in
        channel.api_url = (credentials or {}).get("api_url") or None
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's, with the size limit and payload check of runtime/channels/inbound.py."""
        return super().blueprint(screening(on_new_message))

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        """Replies go where the message came from. Without one (a staff reply relayed later),
        Rasa's version posts to SLACK_CHANNEL, a shared channel; ours goes to the patient's
        direct messages with the app (the conversation id is their Slack user id)."""
        return SlackOutput(self.slack_token, channel, thread_id, self.proxy, self.api_url)
