"""FaqConfidenceGuard: a weak ResponseSelector choice becomes `nlu_fallback`.

Rasa's ResponseSelector has no threshold of its own: the `faq` intent can score 0.99 while
the chosen answer scores 0.1. Modelled on Rasa's FallbackClassifier, this component runs
after the ResponseSelector and, when the answer choice is weak or ambiguous, replaces the
intent with `nlu_fallback` (the original ranking is kept so "Did you mean ...?" can offer it).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.intents import fall_back
from runtime.parse_data import FAQ_INTENT, RESPONSE_SELECTOR


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FaqConfidenceGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # below this answer confidence the answer is not given
            "threshold": 0.4,
            # the best answer must lead the second by at least this much
            "ambiguity_threshold": 0.05,
            "retrieval_intent": FAQ_INTENT,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaqConfidenceGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if self._answer_is_weak(message):
                fall_back(message, self._config["threshold"])
        return messages

    def _answer_is_weak(self, message: Message) -> bool:
        intent = message.get(INTENT) or {}
        retrieval_intent = self._config["retrieval_intent"]
        if intent.get(INTENT_NAME_KEY) != retrieval_intent:
            return False
        # A missing or None selector output, ranking or confidence reads as none, as runtime/parse_data.py
        # reads them: `.get(key, default)` returned the None and the guard raised (found by fuzzing).
        selector = (message.get(RESPONSE_SELECTOR) or {}).get(retrieval_intent) or {}
        confidences = [float(c.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for c in selector.get("ranking") or []]
        if not confidences:
            return True
        best = confidences[0]
        second = confidences[1] if len(confidences) > 1 else 0.0
        # written as "not confident" so that a NaN confidence is weak too
        return not (
            best >= self._config["threshold"] and best - second >= self._config["ambiguity_threshold"]
        )
