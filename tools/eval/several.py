"""Several questions in one message (tests/devset/several_questions.yml): is the main one answered,
and the others offered under "You also asked about"?

Each message is parsed by the model. The main question is answered when the parse answers its
topic; it is shown when it is answered or among the further questions; another of its questions
answered instead is no harm done (the main one is then usually offered), a topic it did not ask
is a wrong answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from runtime.parse_data import FAQ_INTENT, intent_name, other_questions, selected_topic
from tools.eval.assistant import parse_all
from tools.eval.metrics import Check, Rate, Thresholds, at_least, at_most

SEVERAL_QUESTIONS = Path("tests/devset/several_questions.yml")


@dataclass(frozen=True)
class Asked:
    text: str
    main: str
    others: frozenset[str]


@dataclass(frozen=True)
class SeveralRun:
    main_answered: Rate
    main_shown: Rate  # answered, or a "You also asked about" button
    others_shown: Rate  # the other questions' topics answered or offered, of all of them
    wrong: Rate  # a topic the message did not ask about answered

    @classmethod
    def of(cls, asked: list[Asked], parses: list[dict[str, Any]]) -> SeveralRun:
        answers = [selected_topic(p) if intent_name(p) == FAQ_INTENT else None for p in parses]
        # "You also asked about" comes with an answer only: not with "Did you mean" or a decline
        shown = [
            {answer, *other_questions(parse)} if answer else set()
            for answer, parse in zip(answers, parses, strict=True)
        ]
        return cls(
            main_answered=Rate(
                sum(a.main == answer for a, answer in zip(asked, answers, strict=True)), len(asked)
            ),
            main_shown=Rate(
                sum(a.main in topics for a, topics in zip(asked, shown, strict=True)), len(asked)
            ),
            others_shown=Rate(
                sum(len(a.others & topics) for a, topics in zip(asked, shown, strict=True)),
                sum(len(a.others) for a in asked),
            ),
            wrong=Rate(
                sum(
                    answer is not None and answer != a.main and answer not in a.others
                    for a, answer in zip(asked, answers, strict=True)
                ),
                len(asked),
            ),
        )


def load_several(path: Path) -> list[Asked]:
    messages = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return [Asked(m["text"], m["main"], frozenset(m.get("others") or [])) for m in messages]


def several_run(agent: Any, asked: list[Asked]) -> SeveralRun:
    parses = asyncio.run(parse_all(agent, [a.text for a in asked]))
    return SeveralRun.of(asked, [parse for parse, _ in parses])


def several_checks(run: SeveralRun, limits: Thresholds) -> list[Check]:
    return [
        at_least("several questions: main one answered", run.main_answered, limits.several_main_answered_min),
        at_least(
            "several questions: main one answered or offered", run.main_shown, limits.several_main_shown_min
        ),
        at_least(
            "several questions: others answered or offered", run.others_shown, limits.several_others_shown_min
        ),
        at_most("several questions: a topic not asked answered", run.wrong, limits.several_wrong_max),
    ]
