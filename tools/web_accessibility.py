"""What the demo page's widget needs for accessibility (issue #14), from data and settings:
the accessible names (data/wording.yml, `widget`), the openings of the safety replies it marks
as alerts (the domain's responses), and a clinic colour that white text can be read on."""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from runtime.settings import ROOT
from runtime.wording import wording

ALERT_RESPONSES = ("utter_emergency", "utter_crisis")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
DARKEN_STEP = 0.05
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#0b5f73"


def labels() -> dict[str, str]:
    return dict(wording("widget"))


@lru_cache(maxsize=1)
def alert_starts() -> list[str]:
    """The fixed words each safety reply starts with, as the widget shows them (no Markdown)."""
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    starts = []
    for name in ALERT_RESPONSES:
        for variation in responses[name]:
            plain = variation["text"].replace("**", "").strip()
            starts.append(plain.split("{", 1)[0].strip())
    return starts


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def darker(colour: str, amount: float) -> str:
    return "#" + "".join(f"{round(int(colour[i : i + 2], 16) * (1 - amount)):02x}" for i in (1, 3, 5))


def readable_colour(colour: str) -> tuple[str, str | None]:
    """The clinic colour, darkened until white text on it (and it on white) reaches 4.5:1;
    with the reason when it was changed. Not a #rrggbb colour: the default, and why."""
    if not HEX_COLOUR.match(colour or ""):
        return DEFAULT_COLOUR, f"CLINIC_COLOR {colour!r} is not a #rrggbb colour: using {DEFAULT_COLOUR}"
    adjusted = colour.lower()
    while contrast_with_white(adjusted) < MIN_CONTRAST:
        adjusted = darker(adjusted, DARKEN_STEP)
    if adjusted == colour.lower():
        return adjusted, None
    return adjusted, (
        f"CLINIC_COLOR {colour} has {contrast_with_white(colour):.1f}:1 contrast with white text, "
        f"under {MIN_CONTRAST}:1 (WCAG AA): using {adjusted} ({contrast_with_white(adjusted):.1f}:1)"
    )
