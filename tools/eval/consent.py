"""Replies to a consent question (tests/consent/): how many count as a yes (runtime/consent.py).

Each reply is parsed by the model, as if typed after "Is that OK?", and judged by the same
`is_clear_yes` the action server uses. An unclear reply taken as a yes shares a conversation the
user did not agree to share; a clear yes not taken costs one more question.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from runtime.consent import AFFIRM, is_clear_yes
from runtime.parse_data import intent_name
from tools.eval.assistant import parse_all
from tools.eval.metrics import Check, Rate, Thresholds, at_least, at_most

CONSENT_SETS = (Path("tests/consent/replies_blind_1.yml"), Path("tests/consent/replies_blind_2.yml"))


@dataclass(frozen=True)
class ConsentReplies:
    clear_yes: list[str]
    not_yes: list[str]

    @classmethod
    def load(cls, paths: Sequence[Path]) -> ConsentReplies:
        sets = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in paths]
        return cls(
            clear_yes=[text for data in sets for text in data["clear_yes"]],
            not_yes=[reply["text"] for data in sets for reply in data["not_yes"]],
        )


@dataclass(frozen=True)
class ConsentRun:
    clear_yes_taken: Rate
    not_yes_taken: Rate
    not_yes_read_as_affirm: Rate  # what taking the NLU's intent alone would have shared
    missed_yes: list[str]

    @classmethod
    def of(cls, yes_parses: Sequence[dict[str, Any]], not_yes_parses: Sequence[dict[str, Any]]) -> ConsentRun:
        yes_taken = [is_clear_yes(parse) for parse in yes_parses]
        read_as_affirm = [intent_name(parse) == AFFIRM for parse in not_yes_parses]
        return cls(
            clear_yes_taken=Rate(sum(yes_taken), len(yes_parses)),
            not_yes_taken=Rate(sum(map(is_clear_yes, not_yes_parses)), len(not_yes_parses)),
            not_yes_read_as_affirm=Rate(sum(read_as_affirm), len(not_yes_parses)),
            missed_yes=[
                p.get("text", "") for p, taken in zip(yes_parses, yes_taken, strict=True) if not taken
            ],
        )


def consent_run(agent: Any, replies: ConsentReplies) -> ConsentRun:
    parses = asyncio.run(parse_all(agent, [*replies.clear_yes, *replies.not_yes]))
    messages = [parse for parse, _ in parses]
    return ConsentRun.of(messages[: len(replies.clear_yes)], messages[len(replies.clear_yes) :])


def consent_checks(run: ConsentRun, limits: Thresholds) -> list[Check]:
    return [
        at_most("consent: unclear replies taken as yes", run.not_yes_taken, limits.consent_not_yes_taken_max),
        at_least("consent: typed clear yes taken", run.clear_yes_taken, limits.consent_clear_yes_taken_min),
    ]
