"""GET /webhooks/health/: whether the assistant and what it depends on are up (issue #11).

A Rasa input channel that only serves this endpoint, so a load balancer or a process manager
can see more than Rasa's own `/` (which says only that this process answers):

    {"rasa": "ok", "action_server": "ok" | "down",
     "handoff_store": "ok" | "down" | "unknown", "spooled_tickets": 0}

200 when everything is up, 503 otherwise. Safety replies still work while it says 503: they
come from the Rasa server itself.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

CHECK_TIMEOUT_SECONDS = 2


def dependencies_url() -> str:
    webhook = os.environ["ACTION_SERVER_URL"]
    return webhook.rsplit("/webhook", 1)[0] + "/health/dependencies"


async def action_server_report() -> dict[str, Any]:
    """The action server's view of its dependencies; "down" when it does not answer."""
    timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(dependencies_url()) as answer,
        ):
            report = await answer.json(content_type=None)
            return {"action_server": "ok", **report}
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return {"action_server": "down", "handoff_store": "unknown"}


class HealthChannel(InputChannel):
    """`runtime.channels.health.HealthChannel` in credentials.yml."""

    @classmethod
    def name(cls) -> str:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("health_webhook", __name__)

        @health.route("/", methods=["GET"])
        async def report(_: Request) -> HTTPResponse:
            body = {"rasa": "ok", **await action_server_report()}
            healthy = body["action_server"] == "ok" and body.get("handoff_store") == "ok"
            return response.json(body, status=200 if healthy else 503)

        return health
