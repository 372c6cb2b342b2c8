"""SpineTermsExtractor: the spine terms of the project's EntityRuler (condition, procedure, region,
symptom) as Rasa entities, read from the spaCy doc SpacyNLP has already made.

Rasa's SpacyEntityExtractor runs the whole spaCy pipeline a second time, on the text as typed, for
NER models that need its capitals. Here that second run also ran the four SpanRulers (4,000
red-flag patterns among them) again: 11 % of the Rasa server's CPU per message (py-spy under load,
2026-12-07). The project's EntityRuler matches lowercase words only
(tools/build_spacy_pipeline.py), so SpacyNLP's lowercased doc holds the same entities, at the same
character offsets; only their `value` is in lowercase.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLPOncePerText"
)
class SpineTermsExtractor(SpacyEntityExtractor):
    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Adds the doc's entities within `dimensions`; a message without a doc (no text) has none."""
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            found = self.add_extractor_name(self._extract_entities(doc))
            relevant = self.filter_irrelevant_entities(found, self._config["dimensions"])
            message.set(ENTITIES, message.get(ENTITIES, []) + relevant, add_to_output=True)
        return messages
