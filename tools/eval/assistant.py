"""The assistant's held-out predictions through the real runtime parse (`Agent.parse_message`):
the whole NLU pipeline, FallbackClassifier, EmbeddingTopicChoice and RedFlagDetector included."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runtime.catalog import load_catalog
from runtime.did_you_mean import guesses
from runtime.parse_data import (
    FAQ_INTENT,
    intent_confidence,
    intent_name,
    selected_confidence,
    selected_topic,
    topic_of_payload,
)
from tools.eval.data import FALLBACK, Example
from tools.eval.metrics import Prediction

WARM_UP = "hello"  # the first parse builds lazy parts of the graph: not timed


def runtime_label(parse: dict[str, Any]) -> tuple[str, float]:
    """The label the assistant acts on and its confidence.

    `faq` answers are labelled with the chosen topic (`faq/<id>`) and the ResponseSelector's
    confidence in it. A fallback keeps its label `nlu_fallback`; its confidence is the one the
    classifiers had before falling back (for `faq`: the topic's), which shows how near it came.
    """
    name = intent_name(parse) or FALLBACK
    topic_confidence = selected_confidence(parse)
    if name == FAQ_INTENT:
        topic = selected_topic(parse)
        return (f"{FAQ_INTENT}/{topic}" if topic else FAQ_INTENT), topic_confidence
    if name == FALLBACK:
        candidates = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        top = candidates[0] if candidates else {}
        if top.get("name") == FAQ_INTENT:
            return FALLBACK, topic_confidence
        return FALLBACK, float(top.get("confidence") or 0.0)
    return name, intent_confidence(parse)


def first_guess(parse: dict[str, Any]) -> str | None:
    """What the first "Did you mean" button offers: `faq/<topic>` or an intent, as users see it."""
    buttons = guesses(load_catalog(), parse)
    if not buttons:
        return None
    payload = buttons[0]["payload"]
    topic = topic_of_payload(payload)
    return f"{FAQ_INTENT}/{topic}" if topic else payload.lstrip("/")


def load_agent(model: Path) -> Any:
    """The trained model as `rasa run` loads it (runtime/rasa_patches.py's eager weight
    building included); Rasa's structured debug log switched off."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from runtime import rasa_patches

    configure_structlog(logging.WARNING)
    rasa_patches.install_eager_weight_building()
    return Agent.load(str(model))


async def parse_all(agent: Any, texts: Sequence[str]) -> list[tuple[dict[str, Any], float]]:
    await agent.parse_message(WARM_UP)
    results = []
    for text in texts:
        start = time.perf_counter()
        parse = await agent.parse_message(text)
        results.append((parse, time.perf_counter() - start))
    return results


def predict(agent: Any, examples: Sequence[Example]) -> list[Prediction]:
    parses = asyncio.run(parse_all(agent, [e.text for e in examples]))
    predictions = []
    for example, (parse, seconds) in zip(examples, parses, strict=True):
        label, confidence = runtime_label(parse)
        predictions.append(
            Prediction(example.text, example.label, label, confidence, seconds, first_guess(parse))
        )
    return predictions
