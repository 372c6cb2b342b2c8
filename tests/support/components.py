"""Trainable graph components as Rasa trains and loads them: through its own model storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def faq_examples(training: dict[str, list[str]], intents: dict[str, list[str]] | None = None) -> TrainingData:
    """Training questions of the `faq` retrieval intent, by topic, and examples of other intents."""
    return TrainingData(
        [
            Message(data={"text": text, "intent": "faq", "intent_response_key": f"faq/{topic}"})
            for topic, texts in training.items()
            for text in texts
        ]
        + [
            Message(data={"text": text, "intent": intent})
            for intent, texts in (intents or {}).items()
            for text in texts
        ]
    )


def trained_and_loaded(
    component: Any,
    folder: Path,
    training: dict[str, list[str]],
    intents: dict[str, list[str]] | None = None,
    **config_overrides: Any,
) -> Any:
    """The component trained on those questions, saved, and loaded back as a model would be."""
    storage = LocalModelStorage(folder)
    resource = Resource(component.__name__)
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**component.get_default_config(), **config_overrides}
    component.create(config, storage, resource, context).train(faq_examples(training, intents))
    return component.load(config, storage, resource, context)
