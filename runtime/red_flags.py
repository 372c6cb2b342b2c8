"""The red flags as the replies name them (data/safety/red_flags.yml, `says`)."""

from __future__ import annotations

from functools import lru_cache

import yaml

from runtime import settings
from runtime.wording import listed, wording


@lru_cache(maxsize=1)
def descriptions() -> dict[str, str]:
    flags = yaml.safe_load(settings.data_path("safety", "red_flags.yml").read_text(encoding="utf-8"))["flags"]
    return {flag_id: flag["says"] for flag_id, flag in flags.items()}


def described(flags: list[dict[str, str]]) -> str:
    """ "You mentioned A and B. " for the flags found, or "" when the classifier alone decided."""
    names = list(dict.fromkeys(descriptions().get(f["flag"], "") for f in flags if f.get("flag")))
    names = [n for n in names if n]
    if not names:
        return ""
    return wording("red_flags")["you_mentioned"].format(flags=listed(names, "red_flags"))
