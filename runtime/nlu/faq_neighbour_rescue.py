"""FaqNeighbourRescue: a question the classifiers were unsure of, answered when it is very close
to one of the training questions.

Real patients' questions are long, personal and misspelt; DIET and the ResponseSelector, trained
on counts of words and characters, often fall back to "Did you mean ...?" on them although the
topic is plain. all-MiniLM-L6-v2 sentence embeddings (offline) read them better: when the
message, after a fallback, is at least `min_similarity` (cosine) from a `faq` training
question, that question's topic is answered instead.

Measured on the real patients' questions of the dev set and the held-out questions (README,
Evaluation): the rescue at 0.7 turns a third of the real questions' fallbacks into answers,
mostly right ones; below 0.7 it answers more out-of-scope questions with a spine topic. It runs
after the FaqConfidenceGuard and before the RedFlagDetector and ReportTermsDetector, whose
decisions it never touches.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.intents import intent_of
from runtime.nlu.nearest_questions import NearestTrainingQuestions
from runtime.parse_data import FALLBACK_INTENT, FAQ_INTENT, RESPONSE_SELECTOR

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqNeighbourRescue(NearestTrainingQuestions):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**NearestTrainingQuestions.get_default_config(), "min_similarity": 0.7}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if intent_of(message) != FALLBACK_INTENT or not isinstance(text, str):
                continue
            topic, similarity = self.nearest_topic(text)
            if topic and similarity >= self.config["min_similarity"]:
                logger.debug("Fallback rescued: %s (similarity %.2f)", topic, similarity)
                self._answer(message, topic, similarity)
        return messages

    @staticmethod
    def _answer(message: Message, topic: str, similarity: float) -> None:
        """The intent `faq` and the topic as the ResponseSelector's choice; the selector's own
        ranking stays (the answer's follow-up buttons read it)."""
        key = f"{FAQ_INTENT}/{topic}"
        answer = {INTENT_NAME_KEY: FAQ_INTENT, PREDICTED_CONFIDENCE_KEY: similarity}
        others = [
            i
            for i in message.get(INTENT_RANKING_KEY) or []
            if i.get(INTENT_NAME_KEY) not in (FALLBACK_INTENT, FAQ_INTENT)
        ]
        message.data[INTENT] = answer
        message.data[INTENT_RANKING_KEY] = [answer, *others]
        selectors = dict(message.get(RESPONSE_SELECTOR) or {})
        selected = dict(selectors.get(FAQ_INTENT) or {})
        selected["response"] = {
            **(selected.get("response") or {}),
            INTENT_RESPONSE_KEY: key,
            PREDICTED_CONFIDENCE_KEY: similarity,
            "utter_action": f"utter_{key}",
            "responses": [],
        }
        selectors[FAQ_INTENT] = selected
        message.data[RESPONSE_SELECTOR] = selectors
