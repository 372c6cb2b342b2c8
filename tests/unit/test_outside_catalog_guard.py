"""OutsideCatalogGuard: a question about another joint, organ or illness, with nothing of the
spine in it, is declined instead of answered with the nearest spine topic."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.outside_catalog_guard import OutsideCatalogGuard


def parsed(nlp, text: str, intent: str) -> Message:
    message = Message(
        data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "intent_ranking": []}
    )
    message.set(SPACY_DOCS["text"], nlp(text.lower()))
    return message


def intent_after(nlp, text: str, intent: str) -> str:
    [processed] = OutsideCatalogGuard().process([parsed(nlp, text, intent)])
    return processed.get("intent")["name"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("How long is recovery after a knee replacement?", "faq"),
        ("is scoliosis hereditary", "faq"),
        ("What are the billing codes for this?", "nlu_fallback"),
        ("should I take something for my migraine", "personal_advice"),
    ],
)
def test_a_question_outside_the_catalog_is_declined(nlp, text, intent):
    assert intent_after(nlp, text, intent) == "out_of_scope"


@pytest.mark.parametrize(
    "text",
    [
        "my knee hurts and I have a herniated disc in my lower back, what is a discectomy",
        "can a slipped disc cause pain down to my ankle",
        "how long is recovery after a microdiscectomy",
    ],
)
def test_a_spine_question_that_names_another_body_part_is_answered(nlp, text):
    assert intent_after(nlp, text, "faq") == "faq"


@pytest.mark.parametrize("intent", ["emergency", "crisis", "greet"])
def test_other_intents_are_left_alone(nlp, intent):
    assert intent_after(nlp, "my knee gave way and I can't feel my legs", intent) == intent
