"""Helpers for the channel tests: polling a fake API and reading a conversation's tracker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from support.http import ReceivedRequest, Receiver, wait_for
from tools import servers


def wait_for_requests(
    api: Receiver, matches: Callable[[ReceivedRequest], bool], count: int = 1, timeout: float = 30
) -> list[ReceivedRequest]:
    """The requests the fake API received that match, once there are `count` of them
    (fewer, possibly none, when `timeout` runs out first)."""
    found: list[ReceivedRequest] = []

    def enough() -> bool:
        found[:] = [request for request in list(api.requests) if matches(request)]
        return len(found) >= count

    wait_for(enough, timeout)
    return found


def user_texts(assistant: servers.RunningAssistant, sender_id: str) -> list[str]:
    """What the server's tracker holds as this conversation's user messages."""
    response = requests.get(
        f"{assistant.rasa_url}/conversations/{sender_id}/tracker",
        params={"token": assistant.token},
        timeout=30,
    )
    response.raise_for_status()
    events: list[dict[str, Any]] = response.json().get("events") or []
    return [event.get("text") or "" for event in events if event["event"] == "user"]
