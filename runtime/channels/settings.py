"""Which channels can start: each needs its settings, else it is left out with one log line."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from rasa.shared.utils.common import class_from_module_path

logger = logging.getLogger(__name__)


def required_settings(channel: str) -> tuple[str, ...]:
    """A channel class of ours names the settings it cannot start without."""
    if "." not in channel:
        return ()
    return getattr(class_from_module_path(channel), "REQUIRED_SETTINGS", ())


def startable_channels(credentials: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    started = {}
    for channel, channel_credentials in credentials.items():
        missing = [name for name in required_settings(channel) if not env.get(name, "").strip()]
        if missing:
            logger.info("Channel %s not started: %s not set.", channel.rsplit(".", 1)[-1], ", ".join(missing))
        else:
            started[channel] = channel_credentials
    return started


def write_startable_credentials(source: Path, target: Path) -> Path:
    """credentials.yml less the channels without their settings, for `rasa run --credentials`.

    Read without expanding ${VARIABLES}, so no token is written to disk."""
    credentials = yaml.safe_load(source.read_text()) or {}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(startable_channels(credentials, os.environ), sort_keys=False))
    return target
