"""OtherQuestionsFinder: the further FAQ topics a message with several questions asks about.

"How long is recovery after a microdiscectomy? And what are the risks?" is answered by the
ResponseSelector's one topic; this component finds the others, so the answer can end with
"You also asked about ..." and their buttons. Each question sentence
(runtime/nlu/question_focus.py) is embedded and matched to the nearest training question
of the `faq` retrieval intent; a match below `min_similarity`, or the topic already answered,
is left out. Each question's topic is also kept (`asked_topics`), even for one question in a
message with MRI report words: a pasted report that asks "is surgery needed?" offers that topic
beside the words (actions/report_words.py). Trained with the model: the training questions'
embeddings are stored with it. The embeddings are all-MiniLM-L6-v2's
(runtime/nlu/sentence_encoder.py), offline.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.nearest_questions import NearestTrainingQuestions
from runtime.nlu.question_focus import questions
from runtime.nlu.report_terms import report_spans
from runtime.parse_data import ASKED_TOPICS, OTHER_QUESTIONS, selected_topic

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
            several = len(asked) >= 2
            # one question's topic only serves the report reply: not embedded for other messages
            if not (several or (asked and report_spans(message))):
                continue
            topics = self.topics_asked(asked)
            if topics:
                message.set(ASKED_TOPICS, topics, add_to_output=True)
            if several:
                self._add_other_questions(message, topics)
        return messages

    def _add_other_questions(self, message: Message, topics: List[str]) -> None:
        """The topics asked about besides the one answered, for "You also asked about ..."."""
        answered = selected_topic(message.as_dict_nlu())
        others = [topic for topic in topics if topic != answered][: self.config["max_topics"]]
        if others:
            logger.debug("Also asked about %s", others)
            message.set(OTHER_QUESTIONS, others, add_to_output=True)

    def topics_asked(self, asked: List[str]) -> List[str]:
        """The nearest topic of each question sentence, once each, when near enough."""
        nearest = [self.nearest_topic(question) for question in asked]
        return list(
            dict.fromkeys(
                topic
                for topic, similarity in nearest
                if topic and similarity >= self.config["min_similarity"]
            )
        )
