"""OutsideCatalogGuard: a question about something the catalog does not cover is declined.

"How long is recovery after a knee replacement?" or "is scoliosis hereditary?" are near the
catalog's words (recovery, surgery, curve of the spine), and the classifiers, trained only on
spine questions, answer them with the nearest spine topic. A confident wrong answer is worse than
"I don't have information on that". So when the message names something outside the catalog
(data/spacy/scope_terms.yml, spans key "scope": another joint, organ or illness, or a spine
condition no topic covers, such as scoliosis or a spinal tumour, and none of the conditions or
operations the catalog does cover; billing codes or insurance schemes), a `faq` answer, a "Did
you mean" or a `personal_advice` becomes `out_of_scope`. Other intents are left alone, and the
RedFlagDetector after this component still has the last word: a red flag or crisis words get
the safety reply.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.intents import force_intent, intent_of
from runtime.parse_data import FALLBACK_INTENT, FAQ_INTENT

SCOPE_KEY = "scope"
OUTSIDE, SPINE, UNCOVERED, COVERED, ADMIN = "outside", "spine", "uncovered", "covered", "admin"
OUT_OF_SCOPE = "out_of_scope"
ANSWERS = (FAQ_INTENT, FALLBACK_INTENT, "personal_advice")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OutsideCatalogGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OutsideCatalogGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if intent_of(message) in ANSWERS and outside_catalog(scope_labels(message)):
                force_intent(message, OUT_OF_SCOPE)
        return messages


def scope_labels(message: Message) -> set[str]:
    """The kinds of scope words (scope_terms.yml) the message names."""
    doc = message.get(SPACY_DOCS[TEXT])
    return {span.label_ for span in doc.spans.get(SCOPE_KEY, [])} if doc is not None else set()


def names_the_spine(message: Message) -> bool:
    """Whether the message names the spine or a condition the catalog covers."""
    return bool(scope_labels(message) & {SPINE, COVERED})


def names_only_the_catalog(message: Message) -> bool:
    """Whether the message names a condition or operation the catalog covers and nothing
    outside it: what it asks about is the catalog's, however it is phrased."""
    labels = scope_labels(message)
    return COVERED in labels and not labels & {OUTSIDE, UNCOVERED, ADMIN}


def outside_catalog(labels: set[str]) -> bool:
    """Whether the scope words a message names put it outside the catalog (scope_terms.yml)."""
    return (
        ADMIN in labels
        # naming the spine is not enough: "a bone cyst on my spine", "lipomas in my lower back"
        or (bool(labels & {OUTSIDE, UNCOVERED}) and COVERED not in labels)
    )
