"""Shared fixtures: trackers for action tests, the domain, and the real servers for end-to-end tests."""

from __future__ import annotations

import contextlib
import copy
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from ops import servers
from ops.settings import ROOT

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    """The project's spaCy pipeline, built from data/ as `make nlp` builds it."""
    from spine_nlu.build_spacy_pipeline import build_pipeline

    return build_pipeline(
        ROOT / "data" / "spacy" / "spine_terms.yml", ROOT / "data" / "safety" / "red_flags.yml"
    )


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture(autouse=True)
def handoff_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test gets its own handoff store: nothing is written under var/."""
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("HANDOFF_DB_URL", url)
    return url


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


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Polls until condition() holds (background work such as the outbox worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_open(port: int) -> bool:
    """Something listens on 127.0.0.1:port (a server left running, or not yet stopped)."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


@pytest.fixture(scope="session")
def assistant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant")


@pytest.fixture(scope="session")
def assistant_logs(assistant_dir: Path) -> Path:
    return assistant_dir / "log"


@dataclass
class ReceivedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A local HTTP endpoint that records every POST and answers the queued statuses, then 200,
    with the JSON body `reply` makes of the request (an empty object by default)."""

    def __init__(self, port: int = 0, reply: Callable[[ReceivedRequest], Any] | None = None) -> None:
        self.requests: list[ReceivedRequest] = []
        self.statuses: list[int] = []
        self.reply = reply or (lambda request: {})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self.handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, *statuses: int) -> None:
        self.statuses.extend(statuses)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                request = ReceivedRequest(parts.path, parse_qs(parts.query), dict(self.headers), body)
                receiver.requests.append(request)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = json.dumps(receiver.reply(request)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keeps the test output quiet

        return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


NOTIFICATION_SECRET = "made-up-test-secret"


@pytest.fixture(scope="session")
def notification_receiver() -> Iterator[Receiver]:
    """Stands in for the clinic's signed-webhook endpoint during the end-to-end tests."""
    running = Receiver()
    yield running
    running.close()


@pytest.fixture(scope="session")
def assistant_handoff_url(assistant_dir: Path) -> str:
    return f"sqlite:///{assistant_dir / 'handoff.db'}"


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


@pytest.fixture(scope="session")
def fake_slack_api() -> Iterator[Receiver]:
    """Stands in for https://slack.com/api/ (the Slack channel's client is pointed here)."""
    running = Receiver(reply=slack_api_reply)
    yield running
    running.close()


@pytest.fixture(scope="session")
def fake_telegram_api() -> Iterator[Receiver]:
    """Stands in for https://api.telegram.org (the Telegram channel's bot is pointed here)."""
    running = Receiver(reply=telegram_api_reply)
    yield running
    running.close()


@pytest.fixture(scope="session")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def assistant(
    assistant_dir: Path,
    assistant_handoff_url: str,
    notification_receiver: Receiver,
    fake_slack_api: Receiver,
    fake_telegram_api: Receiver,
    web_port: int,
) -> Iterator[servers.RunningAssistant]:
    """The real action server and Rasa server, on free ports with a fresh SQLite tracker store,
    handoff notifications going to a local signed-webhook receiver, every channel on: the
    widget's socket.io for the demo page's origin, Slack and Telegram against local fakes."""
    work = assistant_dir
    with servers.assistant(
        WEB_ALLOWED_ORIGINS=f"http://127.0.0.1:{web_port}",
        SLACK_BOT_TOKEN=SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET=SLACK_SIGNING_SECRET,
        SLACK_API_URL=f"{fake_slack_api.url}/api/",
        TELEGRAM_BOT_TOKEN=TELEGRAM_BOT_TOKEN,
        TELEGRAM_BOT_USERNAME=TELEGRAM_BOT_USERNAME,
        TELEGRAM_WEBHOOK_URL=TELEGRAM_WEBHOOK_URL,
        TELEGRAM_SECRET_TOKEN=TELEGRAM_SECRET_TOKEN,
        TELEGRAM_API_URL=fake_telegram_api.url,
        HANDOFF_DB_URL=assistant_handoff_url,
        HANDOFF_WEBHOOK_URL=f"{notification_receiver.url}/hook",
        HANDOFF_WEBHOOK_SECRET=NOTIFICATION_SECRET,
        HANDOFF_OUTBOX_INTERVAL_SECONDS="0.5",
        RASA_PORT=str(free_port()),
        ACTION_SERVER_PORT=str(free_port()),
        TRACKER_DB=str(work / "tracker.db"),
        LOG_DIR=str(work / "log"),
    ) as running:
        yield running


@pytest.fixture(scope="session")
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
