"""The sentence parts of data/wording.yml, by section: code fills them in, it never writes them."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import yaml

from runtime import settings


@lru_cache(maxsize=1)
def _all() -> dict[str, Any]:
    return yaml.safe_load(settings.data_path("wording.yml").read_text(encoding="utf-8"))


def wording(section: str) -> dict[str, Any]:
    return _all()[section]


def listed(items: list[str], section: str) -> str:
    """ "A, B and C" with the section's separators."""
    words = wording(section)
    if len(items) <= 1:
        return "".join(items)
    return words["separator"].join(items[:-1]) + words["last_separator"] + items[-1]


@cache
def data_yaml(*parts: str) -> Any:
    """Another data file of words (e.g. data/inbox/wording.yml), read once per process."""
    return yaml.safe_load(settings.data_path(*parts).read_text(encoding="utf-8"))
