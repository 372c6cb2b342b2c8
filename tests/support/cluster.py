"""Talking to the instances of the cluster (tests/cluster/): REST to one Rasa server or to
nginx, and the conversation as the shared tracker store holds it."""

from __future__ import annotations

from typing import Any

import requests

from tools.cluster.topology import Cluster


def say(url: str, sender: str, text: str) -> list[dict[str, Any]]:
    """One message over the REST channel of one Rasa server (or nginx); the bot's messages."""
    reply = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=90
    )
    reply.raise_for_status()
    return reply.json()


def texts(reply: list[dict[str, Any]]) -> list[str]:
    return [message.get("text") or "" for message in reply]


def stored_events(cluster: Cluster, sender: str, url: str | None = None) -> list[dict[str, Any]]:
    """The conversation as the shared tracker store holds it (Rasa's HTTP API)."""
    answer = requests.get(
        f"{url or cluster.url}/conversations/{sender}/tracker",
        params={"token": cluster.token},
        timeout=60,
    )
    answer.raise_for_status()
    return answer.json()["events"]


def user_texts(events: list[dict[str, Any]]) -> list[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def bot_texts(events: list[dict[str, Any]]) -> list[str]:
    return [event.get("text") or "" for event in events if event["event"] == "bot"]
