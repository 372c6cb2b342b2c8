"""What the evaluation reads: labelled questions from Rasa NLU YAML files and the topic titles.

A label is `faq/<topic id>` for a catalog question and the intent name otherwise, as in the
training data. Read with PyYAML (no Rasa import), so the baseline and the tests stay fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from runtime.catalog import load_catalog

CATALOG_PREFIX = "faq/"
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"

# [text](entity), [text]{"entity": ...}: the evaluation only needs the plain text.
ENTITY_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def is_catalog(label: str | None) -> bool:
    return bool(label) and label.startswith(CATALOG_PREFIX)


def yaml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))


def load_examples(*paths: Path) -> list[Example]:
    """Every `- intent:` example of the NLU YAML files (or folders) in paths, in file order."""
    examples = []
    for path in paths:
        for file in yaml_files(path):
            content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
            for item in content.get("nlu") or []:
                if "intent" in item:
                    examples.extend(Example(text, item["intent"]) for text in example_texts(item["examples"]))
    return examples


def example_texts(block: str | list) -> Iterable[str]:
    """The plain texts of an `examples` block (or list), entity annotations removed."""
    lines = block if isinstance(block, list) else block.splitlines()
    for line in lines:
        text = line.get("text", "") if isinstance(line, dict) else line.strip().removeprefix("- ")
        text = ENTITY_ANNOTATION.sub(r"\1", text).strip()
        if text:
            yield text


def topic_titles() -> dict[str, str]:
    """`faq/<id>` -> the topic's title, in the help menu's order (groups, then their topics)."""
    catalog = load_catalog()
    ordered = [topic for group in catalog.groups for topic in group.topics]
    ordered += [topic for topic in catalog.topics if topic not in ordered]
    return {f"{CATALOG_PREFIX}{topic}": catalog.topics[topic].title for topic in ordered}


def label_titles() -> dict[str, str]:
    """Topic titles plus the names the "Did you mean ...?" fallback gives other intents."""
    return {**topic_titles(), **load_catalog().intent_titles}
