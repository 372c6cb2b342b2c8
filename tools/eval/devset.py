"""The dev sets as labelled examples: real patients' questions (tests/devset/real_questions.yml),
the questions helpers wrote from the catalog alone (tests/devset/helper_questions.yml, and
tests/devset/helper_questions_named.yml, each naming a condition or operation of the catalog) and
real patients' posts labelled for red flags (tests/devset/real_posts.yml).

A topic label becomes `faq/<topic>`, as in the training data; out_of_scope, emergency and crisis
stay as they are. Never used for training.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tools.eval.data import CATALOG_PREFIX, Example

DEVSET = Path("tests/devset/real_questions.yml")
HELPER_SET = Path("tests/devset/helper_questions.yml")
NAMED_SET = Path("tests/devset/helper_questions_named.yml")
POSTS = Path("tests/devset/real_posts.yml")
PLAIN_LABELS = {"out_of_scope", "emergency", "crisis"}
NO_RED_FLAG = "no_red_flag"  # a post's label `none`: any alarm on it is a false alarm


def load_devset(path: Path) -> list[Example]:
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [
        Example(q["text"], q["label"] if q["label"] in PLAIN_LABELS else CATALOG_PREFIX + q["label"])
        for q in questions
    ]


def load_posts(path: Path) -> list[Example]:
    """Posts labelled emergency, crisis or none (no red flag now)."""
    posts = yaml.safe_load(path.read_text(encoding="utf-8"))["posts"]
    return [Example(p["text"], p["label"] if p["label"] in PLAIN_LABELS else NO_RED_FLAG) for p in posts]
