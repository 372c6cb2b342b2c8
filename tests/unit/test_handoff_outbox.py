"""runtime.handoff.outbox: real notifiers against a local receiver, a real SQLite store, explicit clocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from support.http import Receiver, free_port, wait_for

from runtime.handoff import outbox
from runtime.handoff.notifiers import SignedWebhookNotifier, SlackWebhookNotifier
from runtime.handoff.outbox import OutboxWorker, deliver_due, start_background_worker
from runtime.handoff.store import HandoffStore
from runtime.settings import ROOT

T0 = datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc)
LINES = [{"who": "user", "text": "made-up question", "time": T0.timestamp()}]
SECRET = "test-secret-not-a-real-one"


@pytest.fixture
def store(tmp_path) -> Iterator[HandoffStore]:
    handoff_store = HandoffStore(f"sqlite:///{tmp_path / 'handoff.db'}")
    yield handoff_store
    handoff_store.dispose()


def new_ticket(store: HandoffStore, *names: str, conversation: str = "conv-1") -> str:
    ticket, _ = store.create_or_update(
        conversation, "rest", "user_request", "normal", LINES, notifier_names=names, now=T0
    )
    return ticket.reference


def deliver(store: HandoffStore, notifiers: dict, at: datetime, max_attempts: int = 8) -> int:
    return deliver_due(store, notifiers, at, max_attempts=max_attempts, retry_base_seconds=30)


def test_retry_after_500_then_200_delivers_exactly_once(store, receiver):
    reference = new_ticket(store, "slack")
    notifiers = {"slack": SlackWebhookNotifier(receiver.url)}
    receiver.answer(500)
    assert deliver(store, notifiers, T0) == 0
    assert deliver(store, notifiers, T0 + timedelta(seconds=29)) == 0  # backing off: nothing sent
    assert len(receiver.requests) == 1
    assert deliver(store, notifiers, T0 + timedelta(seconds=30)) == 1
    assert deliver(store, notifiers, T0 + timedelta(days=1)) == 0
    assert len(receiver.requests) == 2
    [row] = store.outbox_for(reference)
    assert (row.status, row.attempts) == ("delivered", 2)
    assert [(a.ok, a.error) for a in store.attempts_for(row.id)] == [
        (False, "Slack webhook answered HTTP 500"),
        (True, None),
    ]


def test_gives_up_after_max_attempts(store, receiver):
    reference = new_ticket(store, "webhook")
    notifiers = {"webhook": SignedWebhookNotifier(receiver.url, SECRET)}
    receiver.answer(500, 503, 500)
    for at in (T0, T0 + timedelta(seconds=30), T0 + timedelta(seconds=90)):
        assert deliver(store, notifiers, at, max_attempts=3) == 0
    assert deliver(store, notifiers, T0 + timedelta(days=1), max_attempts=3) == 0
    [row] = store.outbox_for(reference)
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "Handoff webhook answered HTTP 500")
    assert len(store.attempts_for(row.id)) == len(receiver.requests) == 3


def test_a_notifier_down_when_the_ticket_is_made_delivers_after_it_comes_back(store):
    port = free_port()
    notifiers = {"slack": SlackWebhookNotifier(f"http://127.0.0.1:{port}/hook")}
    reference = new_ticket(store, "slack")
    assert deliver(store, notifiers, T0) == 0
    assert "unreachable" in store.outbox_for(reference)[0].last_error
    receiver = Receiver(port)  # the receiver comes back on the same address
    try:
        assert deliver(store, notifiers, T0 + timedelta(seconds=30)) == 1
        assert len(receiver.requests) == 1
        assert receiver.requests[0].path == "/hook"
    finally:
        receiver.close()
    assert store.outbox_for(reference)[0].status == "delivered"


def test_a_notifier_no_longer_configured_is_a_failed_attempt_with_a_reason(store):
    reference = new_ticket(store, "email")
    assert deliver(store, {}, T0) == 0
    [row] = store.outbox_for(reference)
    assert row.attempts == 1
    assert row.last_error == "Notifier 'email' is no longer configured; check the HANDOFF_* settings"


def test_each_notifier_is_attempted_on_its_own(store, receiver):
    reference = new_ticket(store, "slack", "webhook")
    receiver.answer(500)  # the first (slack) fails, the webhook gets through
    notifiers = {
        "slack": SlackWebhookNotifier(receiver.url),
        "webhook": SignedWebhookNotifier(receiver.url, SECRET),
    }
    assert deliver(store, notifiers, T0) == 1
    assert {row.notifier: row.status for row in store.outbox_for(reference)} == {
        "slack": "pending",
        "webhook": "delivered",
    }


def test_the_worker_thread_delivers_in_the_background(store, receiver):
    new_ticket(store, "slack")
    worker = OutboxWorker(store, {"slack": SlackWebhookNotifier(receiver.url)}, interval=0.05)
    worker.start()
    try:
        assert wait_for(lambda: len(receiver.requests) == 1)
    finally:
        worker.stop(timeout=2)
    assert not worker.is_alive()


def test_the_worker_survives_a_broken_database(tmp_path, caplog):
    broken = tmp_path / "not-a-database.db"
    broken.write_text("this is not SQLite")
    worker = OutboxWorker(HandoffStore(f"sqlite:///{broken}"), {}, interval=0.02)
    worker.start()
    try:
        assert wait_for(lambda: caplog.text.count("Handoff outbox round failed") >= 2)
        assert worker.is_alive()
    finally:
        worker.stop(timeout=2)


def test_start_background_worker_is_one_per_process(monkeypatch, tmp_path):
    monkeypatch.setenv("HANDOFF_DB_URL", f"sqlite:///{tmp_path / 'h.db'}")
    monkeypatch.setenv("HANDOFF_SLACK_WEBHOOK_URL", "")
    first = start_background_worker()
    try:
        assert start_background_worker() is first
        assert first.is_alive() and first.daemon
    finally:
        first.stop(timeout=2)
        monkeypatch.setattr(outbox, "_worker", None)


def test_python_m_outbox_runs_in_the_foreground_until_ctrl_c(tmp_path, receiver):
    store = HandoffStore(f"sqlite:///{tmp_path / 'h.db'}")
    reference = new_ticket(store, "slack")
    env = {
        **os.environ,
        "HANDOFF_DB_URL": store.url,
        "HANDOFF_SLACK_WEBHOOK_URL": receiver.url,
        "HANDOFF_OUTBOX_INTERVAL_SECONDS": "0.05",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "runtime.handoff.outbox"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_for(lambda: store.outbox_for(reference)[0].status == "delivered", timeout=20)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "notification delivered" in stderr
    assert "made-up question" not in stderr  # no message text in the logs
