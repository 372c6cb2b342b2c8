"""A channel without its settings is left out with one log line; the server starts with the rest."""

from __future__ import annotations

import logging
from pathlib import Path

import requests
import yaml
from support.http import free_port

from runtime.channels.settings import startable_channels, write_startable_credentials
from runtime.rasa_cli import startable_credentials
from runtime.settings import ROOT
from tools import servers

SLACK = "runtime.channels.slack.SlackChannel"
REST = "runtime.channels.rest.CheckedRestInput"
TELEGRAM = "runtime.channels.telegram.SecureTelegramInput"
CREDENTIALS = yaml.safe_load((ROOT / "credentials.yml").read_text())


def test_channels_with_empty_settings_are_left_out_with_one_line_each(caplog):
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": " ", "TELEGRAM_BOT_TOKEN": "1:a"}

    with caplog.at_level(logging.INFO, logger="runtime.channels.settings"):
        started = startable_channels(CREDENTIALS, env)

    assert set(started) == {
        "runtime.channels.rest.CheckedRestInput",
        "runtime.channels.socketio.ClinicSocketIOInput",
        "runtime.channels.health.HealthChannel",
    }
    assert caplog.messages == [
        "Channel SlackChannel not started: SLACK_SIGNING_SECRET not set.",
        "Channel SecureTelegramInput not started: "
        "TELEGRAM_BOT_USERNAME, TELEGRAM_WEBHOOK_URL, TELEGRAM_SECRET_TOKEN not set.",
    ]


def test_a_channel_with_its_settings_starts():
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert SLACK in startable_channels(CREDENTIALS, env)


def test_the_written_credentials_keep_placeholders_not_tokens(tmp_path, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret-value")

    written = write_startable_credentials(ROOT / "credentials.yml", tmp_path / "c.yml").read_text()

    assert "${SLACK_BOT_TOKEN}" in written
    assert "secret-value" not in written


def test_rasa_cli_points_rasa_at_the_filtered_copy_and_removes_it():
    with startable_credentials(["run", "--credentials", "credentials.yml", "--port", "1"]) as argv:
        copy = argv[2]
        assert argv[:2] == ["run", "--credentials"] and argv[3:] == ["--port", "1"]
        assert copy != "credentials.yml" and REST in yaml.safe_load(Path(copy).read_text())
    assert not (ROOT / copy).exists()


def test_the_server_starts_without_slack_and_telegram_settings(tmp_path):
    unset = {
        name: ""
        for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN")
    }
    with servers.assistant(
        RASA_PORT=str(free_port()),
        ACTION_SERVER_PORT=str(free_port()),
        TRACKER_DB=str(tmp_path / "tracker.db"),
        LOG_DIR=str(tmp_path / "log"),
        **unset,
    ) as running:
        answer = requests.post(
            f"{running.rasa_url}/webhooks/rest/webhook",
            json={"sender": "s", "message": "What is a discectomy?"},
            timeout=60,
        ).json()
        slack = requests.post(f"{running.rasa_url}/webhooks/slack/webhook", data=b"{}", timeout=10)

    assert any("removes the part of a herniated" in message.get("text", "") for message in answer)
    assert slack.status_code == 404
    log = (tmp_path / "log" / "rasa.log").read_text()
    assert log.count("Channel SlackChannel not started") == 1
    assert log.count("Channel SecureTelegramInput not started") == 1
