"""Helpers for the channel tests: polling a fake API and reading a conversation's tracker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from conftest import ReceivedRequest, Receiver

from ops import servers


def wait_for_requests(
    api: Receiver, matches: Callable[[ReceivedRequest], bool], count: int = 1, timeout: float = 30
) -> list[ReceivedRequest]:
    """The requests the fake API received that match, once there are `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        found = [request for request in list(api.requests) if matches(request)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


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
