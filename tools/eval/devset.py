"""The dev sets as labelled examples: real patients' questions (tests/devset/real_questions.yml)
and the questions a helper wrote from the catalog alone (tests/devset/helper_questions.yml).

A topic label becomes `faq/<topic>`, as in the training data; out_of_scope, emergency and crisis
stay as they are. Never used for training.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tools.eval.data import CATALOG_PREFIX, Example

DEVSET = Path("tests/devset/real_questions.yml")
HELPER_SET = Path("tests/devset/helper_questions.yml")
PLAIN_LABELS = {"out_of_scope", "emergency", "crisis"}


def load_devset(path: Path) -> list[Example]:
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [
        Example(q["text"], q["label"] if q["label"] in PLAIN_LABELS else CATALOG_PREFIX + q["label"])
        for q in questions
    ]
