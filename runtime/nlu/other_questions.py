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

It comes after the components that choose the answer, so the further questions are those besides
the topic actually answered. In a message made only of questions ("What is an artificial disc
replacement, and is it better than having a fusion?"), the first is the one answered: the whole
message reads like its last question as often as its first (helpers' two-question messages got
the second answered, the first offered), while patients ask what they most want to know first.
The whole message's topic, which reads the later questions with the first one's subject ("how do
you treat it?": a bulging disc), then leads the further questions. A message with background
keeps the whole message's topic: "Is this a disc? Aching for a year ... What symptoms does a disc
give?" asks about the symptoms. A question the patient says matters most ("And more importantly,
am I a candidate?") is answered before either, when its words and the whole message agree.

Beside a pasted report, one question whose own words are near a training question ('MRI says:
"..." What is the usual treatment for a disc protrusion?') is kept as `question_topic` for the
ReportTermsDetector, which answers it instead of explaining the words.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.intents import answer_topic, intent_of
from runtime.nlu.nearest_questions import NearestTrainingQuestions
from runtime.nlu.question_focus import main_question, only_questions, questions, refers_back
from runtime.nlu.report_terms import report_spans
from runtime.parse_data import (
    ASKED_TOPICS,
    FALLBACK_INTENT,
    FAQ_INTENT,
    OTHER_QUESTIONS,
    QUESTION_TOPIC,
    selected_topic,
    topic_ranking,
)

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class OtherQuestionsFinder(NearestTrainingQuestions):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **NearestTrainingQuestions.get_default_config(),
            "min_similarity": 0.6,  # cosine to the nearest training question
            # the first question of a message of questions is answered instead of the whole
            # message's topic when it is this near a training question: below it, its words
            # alone are too few or misspelt to say what it asks ("whats an extrution": 0.75 to
            # a question that compares extrusions and protrusions)
            "first_question_similarity": 0.85,
            # the question the patient says matters most ("And more importantly, am I a
            # candidate?") is answered when it is this near a training question and its topic is
            # among the whole message's first few: alone, its words often lean on the first
            # question's subject ("Mostly I want to know how it's treated": a protrusion)
            "main_question_similarity": 0.6,
            "main_question_rank": 3,
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
            nearest = [self.nearest_topic(question) for question in asked]
            topics = self.topics_asked(nearest)
            if topics:
                message.set(ASKED_TOPICS, topics, add_to_output=True)
            if several:
                self._answer_one_of_several(message, text, nearest, topics)
            elif self._near_enough(nearest[0], "first_question_similarity") and not refers_back(asked[0]):
                # a pasted report and a catalog question of its own ('MRI says: "..." What is the
                # usual treatment for a disc protrusion?', not "is this why my back hurts?"): the
                # ReportTermsDetector answers it
                message.set(QUESTION_TOPIC, list(nearest[0]))
        return messages

    def _answer_one_of_several(
        self, message: Message, text: str, nearest: List[Tuple[Optional[str], float]], topics: List[str]
    ) -> None:
        """The question the patient says matters most, else the first of a message made only of
        questions, answered when its own words are near enough a training question; the rest
        become the further questions. A "Did you mean" is answered so too: the question's own
        words say what it asks."""
        intent = intent_of(message)
        whole = [selected_topic(message.as_dict_nlu())] if intent == FAQ_INTENT else []
        if intent not in (FAQ_INTENT, FALLBACK_INTENT):
            self._add_other_questions(message, topics)
            return
        main = main_question(text)
        if main is not None:
            # the patient said which question matters: never the first instead
            if self._is_the_message_s(message, nearest[main][0]):
                self._answer(message, nearest[main], "main_question_similarity")
            self._add_other_questions(message, [*whole, *topics])
        elif only_questions(text) and self._answer(message, nearest[0], "first_question_similarity"):
            # the whole message's topic, no longer the answer, leads the further questions
            self._add_other_questions(message, [*whole, *topics])
        else:
            self._add_other_questions(message, topics)

    def _is_the_message_s(self, message: Message, topic: Optional[str]) -> bool:
        """Whether `topic` is among the first topics the whole message is read as."""
        ranked = [t for t, _ in topic_ranking(message.as_dict_nlu())][: self.config["main_question_rank"]]
        return topic in ranked

    def _near_enough(self, question: Tuple[Optional[str], float], near_enough: str) -> bool:
        """Whether the question's nearest training question is `near_enough` (a config key)."""
        topic, similarity = question
        return bool(topic) and similarity >= self.config[near_enough]

    def _answer(self, message: Message, question: Tuple[Optional[str], float], near_enough: str) -> bool:
        """The question's topic answered, if it is `near_enough` (a config key) a training
        question; whether it was."""
        if not self._near_enough(question, near_enough):
            return False
        topic, similarity = question
        logger.debug("Answered by one question's words: %s (%.2f)", topic, similarity)
        answer_topic(message, topic, similarity)
        message.set(QUESTION_TOPIC, [topic, similarity])
        return True

    def _add_other_questions(self, message: Message, topics: List[str]) -> None:
        """The topics asked about besides the one answered, for "You also asked about ..."."""
        answered = selected_topic(message.as_dict_nlu())
        others = [topic for topic in dict.fromkeys(topics) if topic != answered][: self.config["max_topics"]]
        if others:
            logger.debug("Also asked about %s", others)
            message.set(OTHER_QUESTIONS, others, add_to_output=True)

    def topics_asked(self, nearest: List[Tuple[Optional[str], float]]) -> List[str]:
        """The nearest topic of each question, once each, when near enough."""
        near_enough = self.config["min_similarity"]
        return list(
            dict.fromkeys(topic for topic, similarity in nearest if topic and similarity >= near_enough)
        )
