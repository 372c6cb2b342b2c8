"""PersonalAdviceScope: `personal_advice` only for a real personal decision, diagnosis or dose.

Patients ask general questions about their own case: "I have a herniated disc, what does it
mean and will it heal?". DIET learns `personal_advice` from "I", "my" and "should", so such a
message got "I can't answer that for you personally" and no information. SAFETY.md section 4
asks for the general answer, a word that a specialist can say what fits their case, and the
callback; `action_answer_faq` gives exactly that for an own-case question.

So DIET's `personal_advice` stands only when the spaCy pipeline marked a personal verdict
(data/safety/red_flags.yml, `personal_verdict`: "should I have the surgery", "how many mg",
"is my scan bad"). Otherwise the message becomes a `faq` question at the ResponseSelector's
confidence, and the FallbackClassifier and EmbeddingTopicChoice after this component decide, as
for any question, between the answer and "Did you mean ...?".
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.intents import intent_of
from runtime.nlu.red_flag_detector import parse_label
from runtime.nlu.safety_patterns import RED_FLAGS_KEY
from runtime.parse_data import FAQ_INTENT, selected_confidence

PERSONAL_ADVICE = "personal_advice"


def asks_for_a_verdict(message: Message) -> bool:
    doc = message.get(SPACY_DOCS[TEXT])
    spans = doc.spans.get(RED_FLAGS_KEY, []) if doc is not None else []
    return any(parse_label(span).flag.tier == PERSONAL_ADVICE for span in spans)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PersonalAdviceScope(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PersonalAdviceScope:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if intent_of(message) == PERSONAL_ADVICE and not asks_for_a_verdict(message):
                self._ask_as_faq(message)
        return messages

    @staticmethod
    def _ask_as_faq(message: Message) -> None:
        faq = {
            INTENT_NAME_KEY: FAQ_INTENT,
            PREDICTED_CONFIDENCE_KEY: selected_confidence(message.as_dict_nlu()),
        }
        others = [
            i
            for i in message.get(INTENT_RANKING_KEY) or []
            if i.get(INTENT_NAME_KEY) not in (PERSONAL_ADVICE, FAQ_INTENT)
        ]
        message.data[INTENT] = faq
        message.data[INTENT_RANKING_KEY] = [faq, *others]
