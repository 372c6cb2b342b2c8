"""The real servers for the integration tests: the action server and the Rasa server as
processes, started once per session, with every channel on against local fakes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright
from support.browser import CHROMIUM, CHROMIUM_FLAGS, CLINIC_COLOR, CLINIC_NAME
from support.channel_fakes import (
    NOTIFICATION_SECRET,
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    TELEGRAM_BOT_TOKEN,
    TELEGRAM_BOT_USERNAME,
    TELEGRAM_SECRET_TOKEN,
    TELEGRAM_WEBHOOK_URL,
    slack_api_reply,
    telegram_api_reply,
)
from support.http import Receiver, free_port

from tools import servers, web


@pytest.fixture(scope="session")
def assistant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant")


@pytest.fixture(scope="session")
def assistant_logs(assistant_dir: Path) -> Path:
    return assistant_dir / "log"


@pytest.fixture(scope="session")
def notification_receiver() -> Iterator[Receiver]:
    """Stands in for the clinic's signed-webhook endpoint during the end-to-end tests."""
    running = Receiver()
    yield running
    running.close()


@pytest.fixture(scope="session")
def assistant_handoff_url(assistant_dir: Path) -> str:
    return f"sqlite:///{assistant_dir / 'handoff.db'}"


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
        # Every test client is 127.0.0.1: the per-source ticket limit is tested in test_faults.py.
        HANDOFF_MAX_TICKETS_PER_SOURCE_PER_HOUR="1000000",
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


# --- The website widget in Debian's Chromium (test_widget_browser.py, test_widget_accessibility.py)


@pytest.fixture(scope="session")
def page_url(assistant: servers.RunningAssistant, web_port: int) -> Iterator[str]:
    """The demo page as `make run` serves it, its widget talking to the session's servers."""
    env = servers.server_environment(
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(web_port),
        WEB_SOCKET_URL=assistant.rasa_url,
        CLINIC_NAME=CLINIC_NAME,
        CLINIC_COLOR=CLINIC_COLOR,
    )
    with web.demo_page(env) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: install it with `apt-get install chromium` (.ci/run does).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


# --- The staff inbox (test_inbox_*.py) -----------------------------------------------------------


def inbox_environment(handoff_url: str, rasa_url: str, token: str, log_dir: Path, **overrides: str) -> dict:
    return servers.server_environment(
        HANDOFF_DB_URL=handoff_url,
        RASA_URL=rasa_url,
        RASA_AUTH_TOKEN=token,
        INBOX_HOST="127.0.0.1",
        INBOX_PORT=str(free_port()),
        LOG_DIR=str(log_dir),
        **overrides,
    )


@pytest.fixture(scope="session")
def inbox_url(
    assistant: servers.RunningAssistant, assistant_handoff_url: str, assistant_dir: Path
) -> Iterator[str]:
    """The staff inbox on the session's handoff store and Rasa server. Every test client is
    127.0.0.1, so the per-address sign-in limit is tested on an inbox of its own."""
    env = inbox_environment(
        assistant_handoff_url, assistant.rasa_url, assistant.token, assistant_dir / "log",
        INBOX_LOGINS_PER_MINUTE="1000000",
    )  # fmt: skip
    with servers.staff_inbox(env) as url:
        yield url
