"""What the actions read from configuration: clinic details and locale-specific safety numbers."""

from __future__ import annotations

import os
from functools import lru_cache

import yaml

from runtime import settings


@lru_cache(maxsize=1)
def locales() -> dict[str, dict[str, str]]:
    return yaml.safe_load(settings.data_path("safety", "locales.yml").read_text(encoding="utf-8"))


def locale() -> dict[str, str]:
    """The configured locale's numbers; an unknown ASSISTANT_LOCALE is a configuration error."""
    settings.load()
    name = os.environ["ASSISTANT_LOCALE"].upper()
    available = locales()
    if name not in available:
        raise ValueError(f"ASSISTANT_LOCALE={name!r} is not one of {sorted(available)}")
    return available[name]


def template_values() -> dict[str, str]:
    """Values for the {placeholders} of the domain's responses."""
    settings.load()
    return {
        "clinic_name": os.environ["CLINIC_NAME"],
        "clinic_contact": os.environ["CLINIC_CONTACT"],
        "retention_days": os.environ["RETENTION_DAYS"],
        **locale(),
    }
