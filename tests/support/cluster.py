"""Talking to the instances of the cluster (tests/cluster/): REST to one Rasa server or to
nginx, and the conversation as the shared tracker store holds it."""

from __future__ import annotations

import time
from typing import Any

import requests

from tools.cluster.topology import Cluster

RETRY_PAUSE_S = 1.0  # how long a person waits before sending a message again


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


# --- Scripted users under faults (test_failover.py, test_outages.py) ------------------------


class Outcome:
    ANSWERED = "answered as expected"
    RESEND = "asked to send the message again"
    DEGRADED = "told part of the system is not working"
    HTTP_ERROR = "an HTTP error"
    EMPTY = "no reply"
    WRONG = "a wrong answer"


def classify(reply: list[dict[str, Any]] | None, expected: list[str], responses: dict[str, list[str]]) -> str:
    from runtime.wording import wording
    from tools.bench.conversations import is_answered

    if reply is None:
        return Outcome.HTTP_ERROR
    if not reply:
        return Outcome.EMPTY
    if is_answered(reply, expected):
        return Outcome.ANSWERED
    if is_answered(reply, [wording("channels")["unavailable"]]):
        return Outcome.RESEND
    if is_answered(reply, responses["utter_service_unavailable"]):
        return Outcome.DEGRADED
    return Outcome.WRONG


def post(url: str, sender: str, text: str) -> list[dict[str, Any]] | None:
    """The reply, or None on an HTTP error or a dropped connection."""
    try:
        answer = requests.post(
            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=90
        )
    except requests.RequestException:
        return None
    return answer.json() if answer.ok else None


class ScriptedUser:
    """Runs bench scripts (data/bench/conversations.yml) through one URL; a message that got an
    error, no reply or a "try again" reply is sent again, as a person would, up to `tries` times.
    Records every outcome and the messages the conversation was meant to hold."""

    def __init__(self, url: str, sender: str, responses: dict[str, list[str]], tries: int = 4) -> None:
        self.url, self.sender, self.responses, self.tries = url, sender, responses, tries
        self.outcomes: list[str] = []
        self.sent: list[str] = []
        self.unanswered: list[str] = []

    def run(self, script: Any) -> None:
        from tools.bench.conversations import button_payload

        previous: list[dict[str, Any]] = []
        for turn in script.turns:
            text, expected = turn.text, turn.expected
            if text is None:
                button = button_payload(previous, len(self.sent))
                if button is None:
                    self.unanswered.append("<follow-up button>")
                    continue
                text, expected = button[0], f"utter_faq/{button[1]}"
            previous = self.send(text, self.responses[expected]) or []

    def send(self, text: str, expected: list[str]) -> list[dict[str, Any]] | None:
        self.sent.append(text)
        for _ in range(self.tries):
            reply = post(self.url, self.sender, text)
            outcome = classify(reply, expected, self.responses)
            self.outcomes.append(outcome)
            if outcome == Outcome.ANSWERED:
                return reply
            time.sleep(RETRY_PAUSE_S)
        self.unanswered.append(text)
        return None
