"""REST (/webhooks/rest/webhook): Rasa's channel with the input checks of issue #11.

- A body that is not a JSON object with a non-empty string `sender` and a string `message`
  gets a 400 with a one-line reason; nothing is stored and nothing is logged but the reason.
  (Rasa's own answers an empty body with a 500 and a traceback, and puts a message without a
  sender into a conversation called "default" that every such client shares.)
- The message-size limit and the payload check of runtime/channels/inbound.py.
- The client's address is kept as the message's `source` (metadata), for the per-source
  limit on handoff tickets; whatever metadata the client sends is not trusted for that.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from runtime.channels.inbound import screening

MAX_SENDER_CHARS = 255  # the tracker store's column


def body_problem(body: bytes) -> str | None:
    """Why the body is not a message Rasa can take, or None."""
    try:
        data = json.loads(body or b"")
    except ValueError:
        return 'the body must be JSON: {"sender": "<conversation id>", "message": "<text>"}'
    if not isinstance(data, dict):
        return 'the body must be a JSON object with "sender" and "message"'
    sender = data.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return '"sender" must be a non-empty string: the conversation id'
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        return f'"sender" must be printable and at most {MAX_SENDER_CHARS} characters'
    if not isinstance(data.get("message"), str):
        return '"message" must be a string'
    return None


class CheckedRestInput(RestInput):
    """`runtime.channels.rest.CheckedRestInput` in credentials.yml; still named "rest"."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(screening(on_new_message))

        @webhook.middleware("request")
        async def check_body(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            problem = body_problem(request.body)
            return response.json({"error": problem}, status=400) if problem else None

        return webhook

    def get_metadata(self, request: Request) -> dict[str, Any]:
        return {"source": request.remote_addr or request.ip}
