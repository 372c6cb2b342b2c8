"""SpacyNLPOncePerText: Rasa's SpacyNLP, with each distinct training text through spaCy once.

To train the ResponseSelector, Rasa gives every question of a retrieval intent its curated answer
as a second text, and SpacyNLP runs spaCy on each of them: 2,540 answers here, of which 38 are
distinct, each about 600 characters through the project's SpanRulers (8,700 patterns). That was
about 2 of the 4 minutes SpacyNLP took in `make model` (2026-12-07). Here identical texts share
one doc; what a message holds, and so the trained model, is the same, and messages are processed
as Rasa processes them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language
from spacy.tokens import Doc

PIPE_BATCH_SIZE = 50  # as Rasa's SpacyNLP


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLPOncePerText",
)
class SpacyNLPOncePerText(SpacyNLP):
    def _docs_for_training_data(self, model: Language, training_data: TrainingData) -> Dict[Text, List[Any]]:
        """Every example's doc per attribute, in order, as Rasa's: an empty text gets an empty doc."""
        attribute_docs = {}
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            texts = [self._get_text(example, attribute) for example in training_data.training_examples]
            distinct = [text for text in dict.fromkeys(texts) if text]
            docs = dict(zip(distinct, model.pipe(distinct, batch_size=PIPE_BATCH_SIZE), strict=True))
            attribute_docs[attribute] = [docs[text] if text else Doc(model.vocab, words=[]) for text in texts]
        return attribute_docs
