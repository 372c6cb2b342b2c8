"""Settings from the environment, with the documented defaults of `.env.example`.

Precedence: real environment > `.env` > `.env.example`. Every entry point calls
`load()` before it starts Rasa or the action server, so one file holds the defaults.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

# The folder that holds runtime/, actions/ and data/: the project root here, /app in an image.
ROOT = Path(__file__).resolve().parent.parent

# Keeps the terminal a conversation: no TensorFlow, SQLAlchemy or telemetry chatter.
QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
    "RASA_TELEMETRY_ENABLED": "false",
}


def read_env_file(path: Path) -> dict[str, str]:
    """Parses KEY=VALUE lines; blank lines and comments are skipped."""
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


@lru_cache(maxsize=1)
def defaults() -> dict[str, str]:
    """The files are read once per process: actions call load() on every message."""
    return {**QUIET_ENVIRONMENT, **read_env_file(ROOT / ".env.example"), **read_env_file(ROOT / ".env")}


def load() -> None:
    """Fills os.environ with the defaults it does not already have."""
    for key, value in defaults().items():
        os.environ.setdefault(key, value)


def get(key: str) -> str:
    load()
    return os.environ[key]


def path(key: str) -> Path:
    """A setting that names a file, resolved against the project root."""
    value = Path(get(key))
    return value if value.is_absolute() else ROOT / value


def data_path(*parts: str) -> Path:
    """A file under data/ (ASSISTANT_DATA_DIR): every sentence and pattern the servers read."""
    return path("ASSISTANT_DATA_DIR").joinpath(*parts)
