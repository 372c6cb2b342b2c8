"""Handoff configuration from the environment; the defaults live in DEFAULTS and nowhere else.

`python -m runtime.handoff.settings` prints them as `.env.example` lines.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from runtime import settings as ops_settings

# KEY: (default, the one-line comment that documents it in .env.example)
DEFAULTS: dict[str, tuple[str, str]] = {
    "HANDOFF_DB_URL": (
        "sqlite:///var/handoff.db",
        "Where tickets live: any SQLAlchemy URL; a relative SQLite path is relative to the project root.",
    ),
    "HANDOFF_DB_LOCK_TIMEOUT_SECONDS": (
        "1",
        "How long a ticket write waits for a locked database before the ticket goes to the spool.",
    ),
    "HANDOFF_SPOOL_DIR": (
        "var/spool/tickets",
        "Tickets that could not be stored yet wait here (one fsync'd file each) until the database is back.",
    ),
    "HANDOFF_MAX_TICKETS_PER_CONVERSATION_PER_HOUR": (
        "3",
        "New tickets one conversation can open in an hour (an open ticket is updated instead).",
    ),
    "HANDOFF_MAX_TICKETS_PER_SOURCE_PER_HOUR": (
        "20",
        "Ticket requests from one client address in an hour, per action server process.",
    ),
    "HANDOFF_SLACK_WEBHOOK_URL": ("", "Slack incoming-webhook URL for new tickets (empty = off)."),
    "HANDOFF_WEBHOOK_URL": (
        "",
        "Your HTTPS endpoint for new tickets, signed with the secret below (empty = off).",
    ),
    "HANDOFF_WEBHOOK_SECRET": (
        "",
        "Secret of the X-Handoff-Signature HMAC; needed with HANDOFF_WEBHOOK_URL.",
    ),
    "HANDOFF_SMTP_HOST": ("", "SMTP server for e-mail notifications (empty = off)."),
    "HANDOFF_SMTP_PORT": ("25", "SMTP port (587 with STARTTLS is usual)."),
    "HANDOFF_SMTP_USER": ("", "SMTP login (empty = no login)."),
    "HANDOFF_SMTP_PASSWORD": ("", "SMTP password: put it in .env, never in the repo."),
    "HANDOFF_SMTP_STARTTLS": ("false", "true = upgrade the SMTP connection with STARTTLS before logging in."),
    "HANDOFF_EMAIL_FROM": ("assistant@clinic.invalid", "Sender address of notification e-mails."),
    "HANDOFF_EMAIL_TO": ("", "Comma-separated staff addresses that receive notification e-mails."),
    "HANDOFF_MAX_ATTEMPTS": ("8", "Delivery attempts per notification before it is marked failed."),
    "HANDOFF_RETRY_BASE_SECONDS": ("30", "First retry delay; it doubles after every failed attempt."),
    "HANDOFF_OUTBOX_INTERVAL_SECONDS": ("5", "How often the outbox worker looks for notifications to send."),
    "HANDOFF_OFFICE_HOURS": (
        "Mon-Fri 08:00-17:00",
        "When staff answer, e.g. Mon-Fri 08:00-17:00, Sat 09:00-12:00.",
    ),
    "HANDOFF_TIMEZONE": ("America/New_York", "IANA time zone of the office hours."),
    "HANDOFF_RESPONSE_TIME": ("within one working day", "When patients are told staff will answer."),
    "RASA_URL": ("http://127.0.0.1:5005", "Rasa server the staff CLI relays agent messages to."),
}

TRUE_WORDS = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class HandoffSettings:
    db_url: str
    db_lock_timeout_seconds: float
    spool_dir: Path
    max_tickets_per_conversation_per_hour: int
    max_tickets_per_source_per_hour: int
    slack_webhook_url: str
    webhook_url: str
    webhook_secret: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    email_from: str
    email_to: tuple[str, ...]
    max_attempts: int
    retry_base_seconds: float
    outbox_interval_seconds: float
    office_hours: str
    timezone: str
    response_time: str
    rasa_url: str


def setting(key: str, defaults: dict[str, tuple[str, str]] = DEFAULTS) -> str:
    """One setting as text, from an environment `ops_settings.load()` has filled, else the defaults."""
    value = os.environ.get(key, defaults[key][0])
    # A value copied with its .env quotes into a real environment still means the same thing.
    return value.strip().strip('"').strip("'")


def raw(key: str, defaults: dict[str, tuple[str, str]] = DEFAULTS) -> str:
    """One setting as text: environment (after .env/.env.example) first, then the defaults."""
    ops_settings.load()
    return setting(key, defaults)


def load() -> dict[str, str]:
    """Every handoff setting as text, keyed by its environment name."""
    ops_settings.load()
    return {key: setting(key) for key in DEFAULTS}


def resolve_db_url(url: str) -> str:
    """A relative SQLite path is taken relative to the project root, not the working directory."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if os.path.isabs(database) or database.startswith("file:"):
        return url
    absolute = ops_settings.ROOT / database
    return parsed.set(database=str(absolute)).render_as_string(hide_password=False)


def load_settings() -> HandoffSettings:
    """Reads every handoff setting now, so a changed environment (tests, .env) is seen."""
    # The defaults are filled in once here, not for each setting: a ticket reads its settings
    # several times, and filling os.environ 20 times each was 38 % of the action server's CPU.
    ops_settings.load()
    return HandoffSettings(
        db_url=resolve_db_url(setting("HANDOFF_DB_URL")),
        db_lock_timeout_seconds=float(setting("HANDOFF_DB_LOCK_TIMEOUT_SECONDS")),
        spool_dir=ops_settings.ROOT / setting("HANDOFF_SPOOL_DIR"),
        max_tickets_per_conversation_per_hour=int(setting("HANDOFF_MAX_TICKETS_PER_CONVERSATION_PER_HOUR")),
        max_tickets_per_source_per_hour=int(setting("HANDOFF_MAX_TICKETS_PER_SOURCE_PER_HOUR")),
        slack_webhook_url=setting("HANDOFF_SLACK_WEBHOOK_URL"),
        webhook_url=setting("HANDOFF_WEBHOOK_URL"),
        webhook_secret=setting("HANDOFF_WEBHOOK_SECRET"),
        smtp_host=setting("HANDOFF_SMTP_HOST"),
        smtp_port=int(setting("HANDOFF_SMTP_PORT")),
        smtp_user=setting("HANDOFF_SMTP_USER"),
        smtp_password=setting("HANDOFF_SMTP_PASSWORD"),
        smtp_starttls=setting("HANDOFF_SMTP_STARTTLS").lower() in TRUE_WORDS,
        email_from=setting("HANDOFF_EMAIL_FROM"),
        email_to=tuple(a.strip() for a in setting("HANDOFF_EMAIL_TO").split(",") if a.strip()),
        max_attempts=int(setting("HANDOFF_MAX_ATTEMPTS")),
        retry_base_seconds=float(setting("HANDOFF_RETRY_BASE_SECONDS")),
        outbox_interval_seconds=float(setting("HANDOFF_OUTBOX_INTERVAL_SECONDS")),
        office_hours=setting("HANDOFF_OFFICE_HOURS"),
        timezone=setting("HANDOFF_TIMEZONE"),
        response_time=setting("HANDOFF_RESPONSE_TIME"),
        rasa_url=setting("RASA_URL").rstrip("/"),
    )


def env_example_lines(defaults: dict[str, tuple[str, str]] = DEFAULTS) -> list[str]:
    """The defaults as commented KEY=VALUE lines for .env.example."""
    lines = []
    for key, (default, comment) in defaults.items():
        value = f'"{default}"' if " " in default else default
        lines += [f"# {comment}", f"{key}={value}"]
    return lines


if __name__ == "__main__":
    print("\n".join(env_example_lines()))
