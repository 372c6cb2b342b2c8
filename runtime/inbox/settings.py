"""The staff inbox's settings from the environment; the defaults live in DEFAULTS and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from runtime.handoff import settings as handoff_settings

# KEY: (default, the one-line comment that documents it in .env.example)
DEFAULTS: dict[str, tuple[str, str]] = {
    "INBOX_HOST": ("127.0.0.1", "Where the staff inbox listens; put an HTTPS reverse proxy in front of it."),
    "INBOX_PORT": ("8090", "The staff inbox's port."),
    "INBOX_HTTPS": ("false", "true behind HTTPS: session cookies get the Secure flag, and HSTS is sent."),
    "INBOX_IDLE_MINUTES": ("15", "Staff are signed out after this many minutes without activity."),
    "INBOX_MAX_FAILED_LOGINS": ("5", "Failed sign-ins in a row that lock an account."),
    "INBOX_LOCKOUT_MINUTES": ("15", "How long a locked account stays locked."),
    "INBOX_LOGINS_PER_MINUTE": ("10", "Sign-in attempts one client address may make in a minute."),
    "INBOX_MIN_PASSWORD_LENGTH": ("12", "Shortest password an account may have."),
}


@dataclass(frozen=True)
class InboxSettings:
    host: str
    port: int
    https: bool
    idle_minutes: float
    max_failed_logins: int
    lockout_minutes: float
    logins_per_minute: int
    min_password_length: int


raw = partial(handoff_settings.raw, defaults=DEFAULTS)


def load_settings() -> InboxSettings:
    return InboxSettings(
        host=raw("INBOX_HOST"),
        port=int(raw("INBOX_PORT")),
        https=raw("INBOX_HTTPS").lower() in handoff_settings.TRUE_WORDS,
        idle_minutes=float(raw("INBOX_IDLE_MINUTES")),
        max_failed_logins=int(raw("INBOX_MAX_FAILED_LOGINS")),
        lockout_minutes=float(raw("INBOX_LOCKOUT_MINUTES")),
        logins_per_minute=int(raw("INBOX_LOGINS_PER_MINUTE")),
        min_password_length=int(raw("INBOX_MIN_PASSWORD_LENGTH")),
    )


if __name__ == "__main__":
    print("\n".join(handoff_settings.env_example_lines(DEFAULTS)))
