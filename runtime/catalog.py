"""The FAQ topics as data (data/faq/*.yml): titles, menu groups, follow-ups, context families."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from runtime import settings
from runtime.parse_data import faq_payload

MAX_BUTTONS = 5  # Slack renders at most five buttons per message


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    followups: tuple[str, ...]
    subject: str | None = None
    aspect: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    topics: dict[str, Topic]
    groups: tuple[Group, ...]
    subjects: dict[str, str]
    intent_titles: dict[str, str]

    def family(self, topic_id: str) -> dict[str, Topic]:
        """Topics with the same aspect as topic_id, by subject (empty if it has no aspect)."""
        aspect = self.topics[topic_id].aspect
        if aspect is None:
            return {}
        return {t.subject: t for t in self.topics.values() if t.aspect == aspect and t.subject}

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)


def topic_button(topic: Topic) -> dict[str, str]:
    return {"title": topic.title, "payload": faq_payload(topic.id)}


@lru_cache(maxsize=1)
def load_catalog(data_dir: Path | None = None) -> Catalog:
    data_dir = data_dir or settings.data_path("faq")
    raw = yaml.safe_load((data_dir / "topics.yml").read_text(encoding="utf-8"))
    topics = {
        topic_id: Topic(
            id=topic_id,
            title=entry["title"],
            followups=tuple(entry["followups"]),
            subject=entry.get("subject"),
            aspect=entry.get("aspect"),
        )
        for topic_id, entry in raw["topics"].items()
    }
    groups = tuple(Group(g["id"], g["title"], tuple(g["topics"])) for g in raw["groups"])
    intent_titles = yaml.safe_load((data_dir / "intent_titles.yml").read_text(encoding="utf-8"))
    return Catalog(topics, groups, raw["subjects"], intent_titles)
