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
from tools.eval.assistant import parse_all
from tools.eval.metrics import Check, Rate, at_least, at_most

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
        def read_as_affirm(parse: dict[str, Any]) -> bool:
            return (parse.get("intent") or {}).get("name") == AFFIRM

        return cls(
            clear_yes_taken=Rate(sum(map(is_clear_yes, yes_parses)), len(yes_parses)),
            not_yes_taken=Rate(sum(map(is_clear_yes, not_yes_parses)), len(not_yes_parses)),
            not_yes_read_as_affirm=Rate(sum(map(read_as_affirm, not_yes_parses)), len(not_yes_parses)),
            missed_yes=[p.get("text", "") for p in yes_parses if not is_clear_yes(p)],
        )


def consent_run(agent: Any, replies: ConsentReplies) -> ConsentRun:
    parses = asyncio.run(parse_all(agent, [*replies.clear_yes, *replies.not_yes]))
    messages = [parse for parse, _ in parses]
    return ConsentRun.of(messages[: len(replies.clear_yes)], messages[len(replies.clear_yes) :])


def consent_checks(run: ConsentRun, not_yes_taken_max: float, clear_yes_taken_min: float) -> list[Check]:
    return [
        at_most("consent: unclear replies taken as yes", run.not_yes_taken, not_yes_taken_max),
        at_least("consent: typed clear yes taken", run.clear_yes_taken, clear_yes_taken_min),
    ]
