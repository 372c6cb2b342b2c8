"""Rasa NLU files read as {intent: [examples]}: the training data and the held-out questions."""

from __future__ import annotations

from pathlib import Path

import yaml

from runtime.settings import ROOT


def examples_by_intent(folder: Path) -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            lines = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
            examples.setdefault(block["intent"], []).extend(lines)
    return examples


TRAINING = examples_by_intent(ROOT / "data" / "nlu")
HELD_OUT = examples_by_intent(ROOT / "tests" / "heldout")
