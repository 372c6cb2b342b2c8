"""Shared fixtures: trackers for action tests, the domain, and the real servers for end-to-end tests."""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from ops import servers
from ops.settings import ROOT

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def selector_ranking(*topics_and_confidences: tuple[str, float]) -> dict[str, Any]:
    """A ResponseSelector result as Rasa puts it in the parse data."""
    ranking = [
        {"id": i, "confidence": c, "intent_response_key": f"faq/{t}"}
        for i, (t, c) in enumerate(topics_and_confidences)
    ]
    best = ranking[0] if ranking else {}
    return {
        "all_retrieval_intents": ["faq"],
        "faq": {
            "response": {
                "intent_response_key": best.get("intent_response_key"),
                "confidence": best.get("confidence"),
            },
            "ranking": ranking,
        },
    }


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """A tracker from tests/data/tracker_base.json with the latest message and slots replaced."""
    base = json.loads((DATA / "tracker_base.json").read_text())

    def build(slots: dict[str, Any] | None = None, **latest_message: Any) -> Tracker:
        state = copy.deepcopy(base)
        state["slots"].update(slots or {})
        state["latest_message"].update(latest_message)
        return Tracker.from_dict(state)

    return build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.RunningAssistant]:
    """The real action server and Rasa server, on free ports with a fresh SQLite tracker store."""
    work = tmp_path_factory.mktemp("assistant")
    with servers.assistant(
        RASA_PORT=str(free_port()),
        ACTION_SERVER_PORT=str(free_port()),
        TRACKER_DB=str(work / "tracker.db"),
        LOG_DIR=str(work / "log"),
    ) as running:
        yield running


@pytest.fixture
def chat(assistant: servers.RunningAssistant) -> Callable[[str, str], list[dict[str, Any]]]:
    """Sends one message over the REST channel and returns the bot's messages."""

    def send(sender: str, text: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{assistant.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    return send
