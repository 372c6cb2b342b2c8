"""The scripted conversations of the benchmark (data/bench/conversations.yml) and how a reply is
checked against the answer it should contain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from runtime import settings
from runtime.parse_data import topic_of_payload
from runtime.settings import ROOT

# --- Conversation scripts -------------------------------------------------------------------------

BUTTON = None  # a turn that sends a follow-up button payload taken from the previous answer


@dataclass(frozen=True)
class Turn:
    text: str | None  # None: press a follow-up button of the previous answer
    expected: str | None  # the response the reply must contain; None: the button's topic


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[Turn, ...]


def script(
    name: str, greeting: str, question: str, topic: str, follow_up: str, follow_up_topic: str, thanks: str
) -> Script:
    return Script(
        name,
        (
            Turn(greeting, "utter_greet"),
            Turn(question, f"utter_faq/{topic}"),
            Turn(follow_up, f"utter_faq/{follow_up_topic}"),
            Turn(BUTTON, None),
            Turn(thanks, "utter_you_are_welcome"),
        ),
    )


# A follow-up without a subject ("how long is recovery?") is only answerable from context.
SCRIPTS = tuple(
    script(**conversation)
    for conversation in yaml.safe_load(settings.data_path("bench", "conversations.yml").read_text())[
        "conversations"
    ]
)


def load_responses() -> dict[str, list[str]]:
    """Every response's text variants: domain.yml and the curated answers of data/responses/."""
    responses: dict[str, list[str]] = {}
    for path in [ROOT / "domain.yml", *sorted((ROOT / "data" / "responses").glob("*.yml"))]:
        for name, variants in (
            yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
        ).items():
            responses[name] = [v["text"] for v in variants if v.get("text")]
    return responses


def answer_start(text: str, length: int = 60) -> str:
    """The start of a response, before any {placeholder}: what every rendering of it contains."""
    return text.split("{", 1)[0][:length].strip()


def is_answered(reply: Sequence[dict[str, Any]], expected_texts: Sequence[str]) -> bool:
    starts = [answer_start(t) for t in expected_texts]
    return any(s and s in (m.get("text") or "") for m in reply for s in starts)


def button_payload(reply: Sequence[dict[str, Any]], index: int) -> tuple[str, str] | None:
    """(payload, topic) of one follow-up button of the previous answer, chosen by index."""
    topics = [
        (b["payload"], topic)
        for m in reply
        for b in m.get("buttons") or []
        if (topic := topic_of_payload(b.get("payload", "")))
    ]
    return topics[index % len(topics)] if topics else None
