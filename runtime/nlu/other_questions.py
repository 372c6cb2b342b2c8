"""OtherQuestionsFinder: the further FAQ topics a message with several questions asks about.

"How long is recovery after a microdiscectomy? And what are the risks?" is answered by the
ResponseSelector's one topic; this component finds the others, so the answer can end with
"You also asked about ..." and their buttons. Each question sentence
(runtime/nlu/question_focus.py) is embedded and matched to the nearest training question
of the `faq` retrieval intent; a match below `min_similarity`, or the topic already answered,
is left out. Trained with the model: the training questions' embeddings are stored with it.
The embeddings are all-MiniLM-L6-v2's (runtime/nlu/sentence_encoder.py), offline.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.nearest_questions import NearestTrainingQuestions
from runtime.nlu.question_focus import questions
from runtime.parse_data import OTHER_QUESTIONS, selected_topic

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class OtherQuestionsFinder(NearestTrainingQuestions):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **NearestTrainingQuestions.get_default_config(),
            "min_similarity": 0.6,  # cosine to the nearest training question
            "max_topics": 2,
        }

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            asked = questions(text) if isinstance(text, str) else []
            if len(asked) < 2:
                continue
            found = [selected_topic(message.as_dict_nlu())]
            for question in asked:
                topic, similarity = self.nearest_topic(question)
                if topic and topic not in found and similarity >= self.config["min_similarity"]:
                    found.append(topic)
                    logger.debug("Also asked about %s (similarity %.2f)", topic, similarity)
            others = found[1 : 1 + self.config["max_topics"]]
            if others:
                message.set(OTHER_QUESTIONS, others, add_to_output=True)
        return messages
