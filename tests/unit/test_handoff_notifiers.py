"""runtime.handoff.notifiers against real receivers: a local HTTP server and a local SMTP server.

`Receiver` is also used by the outbox and CLI tests.
"""

from __future__ import annotations

import email
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from support.http import free_port

from runtime.handoff.notifiers import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EmailNotifier,
    NotificationError,
    SignedWebhookNotifier,
    SlackWebhookNotifier,
    configured_notifiers,
    verify_signature,
)
from runtime.handoff.store import HandoffStore, Ticket

SECRET = "test-secret-not-a-real-one"
PATIENT_TEXT = "MADE-UP SYMPTOM: my left foot tingles"
T0 = datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def ticket(tmp_path) -> Ticket:
    store = HandoffStore(f"sqlite:///{tmp_path / 'handoff.db'}")
    lines = [{"who": "user", "text": PATIENT_TEXT, "time": T0.timestamp()}]
    contact = {"name": "Test Patient", "phone": "555-0100"}
    created, _ = store.create_or_update(
        "conv-secret-id", "rest", "emergency", "urgent", lines, contact, now=T0
    )
    return created


def assert_private(body: str, ticket: Ticket) -> None:
    for private in (PATIENT_TEXT, "555-0100", "Test Patient", ticket.conversation_id):
        assert private not in body


def test_signed_webhook_is_verified_by_the_receiver(receiver, ticket):
    SignedWebhookNotifier(f"{receiver.url}/handoff", SECRET).send(ticket)
    [request] = receiver.requests
    timestamp, signature = request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER]
    assert signature.startswith("v0=")
    assert abs(int(timestamp) - time.time()) < 60
    assert verify_signature(SECRET, timestamp, request.body, signature)
    assert not verify_signature("another-secret", timestamp, request.body, signature)
    assert not verify_signature(SECRET, timestamp, request.body + b" ", signature)


def test_a_stale_timestamp_is_rejected(receiver, ticket):
    SignedWebhookNotifier(receiver.url, SECRET).send(ticket)
    [request] = receiver.requests
    timestamp, signature = request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER]
    assert verify_signature(SECRET, timestamp, request.body, signature, now=int(timestamp) + 299)
    assert not verify_signature(SECRET, timestamp, request.body, signature, now=int(timestamp) + 301)
    assert not verify_signature(SECRET, "not-a-number", request.body, signature)


def test_the_webhook_payload_has_the_ticket_but_no_conversation(receiver, ticket):
    SignedWebhookNotifier(receiver.url, SECRET).send(ticket)
    [request] = receiver.requests
    assert request.json() == {
        "event": "handoff.ticket_created",
        "ticket": {
            "reference": ticket.reference,
            "priority": "urgent",
            "reason": "emergency",
            "channel": "rest",
            "status": "open",
            "created_at": "2024-05-06T12:00:00.000000Z",
            "open_command": f"python -m tools.staff show {ticket.reference}",
        },
    }
    assert_private(request.body.decode(), ticket)


def test_slack_payload_shape(receiver, ticket):
    SlackWebhookNotifier(f"{receiver.url}/services/T000/B000/XXXX").send(ticket)
    [request] = receiver.requests
    payload = request.json()
    assert request.path == "/services/T000/B000/XXXX"
    assert ticket.reference in payload["text"]
    assert [block["type"] for block in payload["blocks"]] == ["section", "section", "context"]
    assert ticket.reference in payload["blocks"][0]["text"]["text"]
    assert all(field["type"] == "mrkdwn" for field in payload["blocks"][1]["fields"])
    assert f"show {ticket.reference}" in payload["blocks"][2]["elements"][0]["text"]
    assert_private(request.body.decode(), ticket)


def test_a_non_2xx_answer_raises_without_the_secret_url(receiver, ticket):
    receiver.answer(500)
    with pytest.raises(NotificationError, match="HTTP 500") as failure:
        SlackWebhookNotifier(f"{receiver.url}/services/SECRET-PATH").send(ticket)
    assert "SECRET-PATH" not in str(failure.value)


def test_an_unreachable_receiver_raises_without_the_secret_url(ticket):
    url = f"http://127.0.0.1:{free_port()}/services/SECRET-PATH"
    with pytest.raises(NotificationError, match="unreachable") as failure:
        SignedWebhookNotifier(url, SECRET).send(ticket)
    assert "SECRET-PATH" not in str(failure.value)


class CollectingHandler:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, CollectingHandler]]:
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_email_reaches_the_smtp_server_with_the_reference_and_no_conversation(smtp_server, ticket):
    controller, handler = smtp_server
    recipients = ["frontdesk@clinic.invalid", "nurse@clinic.invalid"]
    EmailNotifier(controller.hostname, controller.port, "assistant@clinic.invalid", recipients).send(ticket)
    [envelope] = handler.envelopes
    assert envelope.mail_from == "assistant@clinic.invalid"
    assert envelope.rcpt_tos == recipients
    message = email.message_from_bytes(envelope.original_content)
    assert ticket.reference in message["Subject"]
    assert message["Subject"].startswith("[Urgent handoff]")
    body = message.get_payload(decode=True).decode()
    assert f"python -m tools.staff show {ticket.reference}" in body
    assert_private(body + message.as_string(), ticket)


def test_an_unreachable_smtp_server_raises(ticket):
    notifier = EmailNotifier("127.0.0.1", free_port(), "assistant@clinic.invalid", ["x@clinic.invalid"])
    with pytest.raises(NotificationError, match="SMTP"):
        notifier.send(ticket)


def clear_notifier_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("SLACK_WEBHOOK_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "SMTP_HOST", "EMAIL_TO"):
        monkeypatch.setenv(f"HANDOFF_{key}", "")


def test_no_configured_notifier_is_an_empty_dict_and_a_log_line(monkeypatch, caplog):
    clear_notifier_settings(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="runtime.handoff.notifiers"):
        assert configured_notifiers() == {}
    assert "No handoff notifier is configured" in caplog.text


def test_configured_notifiers_follow_the_settings(monkeypatch, caplog):
    clear_notifier_settings(monkeypatch)
    monkeypatch.setenv("HANDOFF_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/slack")
    monkeypatch.setenv("HANDOFF_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HANDOFF_EMAIL_TO", "a@clinic.invalid, b@clinic.invalid")
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", "http://127.0.0.1:9/hook")  # no secret: refused
    notifiers = configured_notifiers()
    assert sorted(notifiers) == ["email", "slack"]
    assert notifiers["email"].recipients == ["a@clinic.invalid", "b@clinic.invalid"]
    assert "HANDOFF_WEBHOOK_SECRET is empty" in caplog.text
    monkeypatch.setenv("HANDOFF_WEBHOOK_SECRET", SECRET)
    assert sorted(configured_notifiers()) == ["email", "slack", "webhook"]
