"""`make run` (python -m tools.serve): both servers, the widget's demo page and the staff inbox
come up, the terminal says where, and Ctrl-C stops all of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import requests
from support.http import free_port, port_is_open, wait_for

from runtime.settings import ROOT
from runtime.shared_secrets import shared_secret

READY_LINE = "Press Ctrl-C to stop."
START_TIMEOUT = 180


def start_make_run(tmp_path, handoff_db) -> tuple[subprocess.Popen, str, tuple[int, int, int, int]]:
    """python -m tools.serve on free ports; its process, what it printed until ready, the ports."""
    rasa_port, action_port, web_port, inbox_port = free_port(), free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTION_SERVER_PORT": str(action_port),
        "WEB_PORT": str(web_port),
        "INBOX_PORT": str(inbox_port),
        "WEB_ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port}",
        "TRACKER_DB": str(tmp_path / "tracker.db"),
        "LOG_DIR": str(tmp_path / "log"),
        "HANDOFF_DB_URL": handoff_db,
        "SLACK_BOT_TOKEN": "",
        "TELEGRAM_BOT_TOKEN": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while READY_LINE not in "".join(output) and time.monotonic() < deadline and process.poll() is None:
        output.append(process.stdout.readline())
    return process, "".join(output), (rasa_port, action_port, web_port, inbox_port)


def test_make_run_serves_the_assistant_and_the_demo_page_and_stops_on_ctrl_c(tmp_path, handoff_db):
    process, shown, (rasa_port, action_port, web_port, inbox_port) = start_make_run(tmp_path, handoff_db)
    try:
        assert READY_LINE in shown, shown

        assert f"Website widget: open http://127.0.0.1:{web_port}/" in shown
        assert shared_secret("RASA_AUTH_TOKEN")[0] not in shown  # never printed (issue #11)
        page = requests.get(f"http://127.0.0.1:{web_port}/", timeout=10)
        assert page.status_code == 200 and "/webchat.js" in page.text
        config = requests.get(f"http://127.0.0.1:{web_port}/config.js", timeout=10).text
        assert f'"socketUrl": "http://127.0.0.1:{rasa_port}"' in config
        reply = requests.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "make-run", "message": "What is a discectomy?"},
            timeout=60,
        ).json()
        assert any("removes the part of a herniated" in message.get("text", "") for message in reply)
        assert f"Staff inbox:    open http://127.0.0.1:{inbox_port}" in shown
        sign_in = requests.get(f"http://127.0.0.1:{inbox_port}/login", timeout=10)
        assert sign_in.status_code == 200 and 'name="password"' in sign_in.text

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert wait_for(
        lambda: not any(port_is_open(port) for port in (rasa_port, action_port, web_port, inbox_port)),
        timeout=15,
    )


def test_servers_die_with_a_killed_supervisor(tmp_path, handoff_db):
    """SIGKILL to `make run` itself (no clean-up can run): its servers go too, none is left
    running on its port (issue #11: they used to be orphaned)."""
    process, shown, ports = start_make_run(tmp_path, handoff_db)
    try:
        assert READY_LINE in shown, shown
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert wait_for(
        lambda: not any(port_is_open(port) for port in (ports[0], ports[1], ports[3])), timeout=15
    )
