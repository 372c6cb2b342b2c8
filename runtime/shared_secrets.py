"""The two shared secrets the servers need: the Rasa API token and the action server's token.

Each comes from its environment variable or, when that is empty, from a file under var/ that
is generated once (mode 0600). Entry points read them here and hand them over inside the
process, never on a command line, where `ps` would show them to every user of the machine.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from runtime import settings

SECRET_FILES = {
    "RASA_AUTH_TOKEN": Path("var") / "auth_token",
    "ACTION_SERVER_TOKEN": Path("var") / "action_server_token",
}


def secret_file(key: str) -> Path:
    return settings.ROOT / SECRET_FILES[key]


def shared_secret(key: str) -> tuple[str, bool]:
    """The secret and whether it was generated just now."""
    settings.load()
    if os.environ.get(key):
        return os.environ[key], False
    path = secret_file(key)
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(24)
    # Written whole under a temporary name, then linked: a reader never sees a half-written file,
    # and of two processes generating at once, the first link wins and both use its value.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip(), False
    finally:
        temporary.unlink()
    return value, True
