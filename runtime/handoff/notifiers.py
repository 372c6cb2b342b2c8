"""Telling staff that a handoff ticket is waiting: Slack, a signed webhook, e-mail.

Privacy (SAFETY.md section 6): a notification says that a ticket exists and how urgent it is,
never what the patient wrote, nor who they are. Staff read the conversation with
`python -m tools.staff show SP-XXXX`, on a machine that can reach the handoff database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Any, Protocol

import requests

from runtime.handoff.settings import HandoffSettings, load_settings
from runtime.handoff.store import Ticket, format_time
from runtime.wording import wording

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
SIGNATURE_VERSION = "v0"
TIMESTAMP_HEADER = "X-Handoff-Request-Timestamp"
SIGNATURE_HEADER = "X-Handoff-Signature"
EVENT_TICKET_CREATED = "handoff.ticket_created"


class NotificationError(RuntimeError):
    """A notification was not delivered; the outbox retries it."""


class Notifier(Protocol):
    name: str

    def send(self, ticket: Ticket) -> None:
        """Delivers one notification; raises on any failure, a non-2xx answer included."""


def open_command(ticket: Ticket) -> str:
    return f"python -m tools.staff show {ticket.reference}"


def ticket_summary(ticket: Ticket) -> dict[str, str]:
    """What a notification may say about a ticket: no transcript, contact or conversation id."""
    return {
        "reference": ticket.reference,
        "priority": ticket.priority,
        "reason": ticket.reason,
        "channel": ticket.channel,
        "status": ticket.status,
        "created_at": format_time(ticket.created_at),
        "open_command": open_command(ticket),
    }


def words() -> dict[str, Any]:
    return wording("notifications")


def reason_label(ticket: Ticket) -> str:
    return words()["reasons"].get(ticket.reason, ticket.reason)


def urgency(ticket: Ticket) -> str:
    return "urgent" if ticket.priority == "urgent" else "normal"


def headline(ticket: Ticket) -> str:
    return words()["headline"][urgency(ticket)].format(
        reference=ticket.reference, reason=reason_label(ticket)
    )


def created_time(ticket: Ticket) -> str:
    return ticket.created_at.strftime("%Y-%m-%d %H:%M UTC")


def notification_text(ticket: Ticket) -> str:
    return words()["text"].format(
        headline=headline(ticket),
        channel=ticket.channel,
        created=created_time(ticket),
        open_command=open_command(ticket),
    )


def post_json(url: str, body: bytes, what: str, headers: dict[str, str] | None = None) -> None:
    """POSTs and raises NotificationError on failure, without the URL: webhook URLs are secrets
    and the error text ends up in logs and in the outbox table."""
    try:
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **(headers or {})},
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise NotificationError(f"{what} unreachable ({type(error).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise NotificationError(f"{what} answered HTTP {response.status_code}")


class SlackWebhookNotifier:
    name = "slack"

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, ticket: Ticket) -> None:
        body = json.dumps(slack_payload(ticket)).encode("utf-8")
        post_json(self.url, body, "Slack webhook")


def slack_payload(ticket: Ticket) -> dict[str, Any]:
    """Slack's incoming-webhook message: `text` is the fallback for notifications, `blocks` the layout."""
    icon = ":rotating_light: " if ticket.priority == "urgent" else ""
    names = words()["slack_fields"]
    values = {
        "priority": ticket.priority,
        "reason": reason_label(ticket),
        "channel": ticket.channel,
        "created": created_time(ticket),
    }
    fields = [f"*{names[key]}*\n{value}" for key, value in values.items()]
    return {
        "text": notification_text(ticket),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{icon}*{headline(ticket)}*"}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": field} for field in fields]},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": words()["open_with"].format(open_command=open_command(ticket))}
                ],
            },
        ],
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's scheme: v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{body}"))."""
    message = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes | str,
    signature: str,
    now: float | None = None,
    tolerance: float = 300,
) -> bool:
    """For receivers: True if the signature matches and the timestamp is within `tolerance`
    seconds of `now` (a stale timestamp is a replayed request)."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        return False
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return hmac.compare_digest(sign(secret, timestamp, raw), signature or "")


class SignedWebhookNotifier:
    name = "webhook"

    def __init__(self, url: str, secret: str, clock: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("A signed webhook needs a secret (HANDOFF_WEBHOOK_SECRET)")
        self.url = url
        self.secret = secret
        self.clock = clock

    def send(self, ticket: Ticket) -> None:
        payload = {"event": EVENT_TICKET_CREATED, "ticket": ticket_summary(ticket)}
        # The signature covers these exact bytes, so they are built once and sent as they are.
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
        timestamp = str(int(self.clock()))
        headers = {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(self.secret, timestamp, body)}
        post_json(self.url, body, "Handoff webhook", headers)


class EmailNotifier:
    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        user: str = "",
        password: str = "",
        starttls: bool = False,
    ) -> None:
        if not recipients:
            raise ValueError("E-mail notifications need at least one recipient (HANDOFF_EMAIL_TO)")
        self.host = host
        self.port = port
        self.sender = sender
        self.recipients = list(recipients)
        self.user = user
        self.password = password
        self.starttls = starttls

    def send(self, ticket: Ticket) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(self.message(ticket))
        except (smtplib.SMTPException, OSError) as error:
            raise NotificationError(f"SMTP {self.host}:{self.port}: {error}") from error

    def message(self, ticket: Ticket) -> EmailMessage:
        message = EmailMessage()
        subject = words()["email_subject"][urgency(ticket)]
        message["Subject"] = subject.format(reference=ticket.reference, reason=reason_label(ticket))
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        lines = [notification_text(ticket), ""]
        lines += [f"{key}: {value}" for key, value in ticket_summary(ticket).items()]
        lines += ["", words()["email_footer"]]
        message.set_content("\n".join(lines))
        return message


def configured_notifiers(configured: HandoffSettings | None = None) -> dict[str, Notifier]:
    """The notifiers HANDOFF_* settings turn on, by name; empty if none (tickets are still stored)."""
    configured = configured or load_settings()
    notifiers: dict[str, Notifier] = {}
    if configured.slack_webhook_url:
        notifiers["slack"] = SlackWebhookNotifier(configured.slack_webhook_url)
    if configured.webhook_url and configured.webhook_secret:
        notifiers["webhook"] = SignedWebhookNotifier(configured.webhook_url, configured.webhook_secret)
    elif configured.webhook_url:
        # Unsigned, the receiver could not tell our notifications from forged ones: refuse, loudly.
        log.error("HANDOFF_WEBHOOK_URL is set but HANDOFF_WEBHOOK_SECRET is empty: webhook notifier off")
    if configured.smtp_host and configured.email_to:
        notifiers["email"] = EmailNotifier(
            configured.smtp_host,
            configured.smtp_port,
            configured.email_from,
            configured.email_to,
            configured.smtp_user,
            configured.smtp_password,
            configured.smtp_starttls,
        )
    elif configured.smtp_host:
        log.error("HANDOFF_SMTP_HOST is set but HANDOFF_EMAIL_TO is empty: e-mail notifier off")
    if not notifiers:
        log.warning("No handoff notifier is configured: tickets are stored but nobody is told")
    return notifiers
