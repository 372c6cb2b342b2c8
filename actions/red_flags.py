"""The red flags as the replies name them (data/safety/red_flags.yml, `says`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

RED_FLAGS_FILE = Path(__file__).resolve().parent.parent / "data" / "safety" / "red_flags.yml"


@lru_cache(maxsize=1)
def descriptions() -> dict[str, str]:
    flags = yaml.safe_load(RED_FLAGS_FILE.read_text(encoding="utf-8"))["flags"]
    return {flag_id: flag["says"] for flag_id, flag in flags.items()}


def described(flags: list[dict[str, str]]) -> str:
    """ "You mentioned A and B. " for the flags found, or "" when the classifier alone decided."""
    names = list(dict.fromkeys(descriptions().get(f["flag"], "") for f in flags if f.get("flag")))
    names = [n for n in names if n]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"You mentioned {listed}. "
