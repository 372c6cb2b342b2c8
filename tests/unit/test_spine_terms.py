"""SpineTermsExtractor finds what Rasa's SpacyEntityExtractor found, without a second spaCy run."""

from __future__ import annotations

import pytest
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from runtime.nlu.spine_terms import SpineTermsExtractor

DIMENSIONS = {"dimensions": ["condition", "procedure", "region", "symptom"]}
TEXTS = [
    "I have a SLIPPED DISC at L5-S1 and Sciatica down my left leg",
    "Booked for a Micro-Discectomy, is MISS right for me?",
    "my Neck hurts after my artificial disc replacement at c5/6",
    "What is a Herniated Disk",
    "hello there",
    "",
]


@pytest.fixture(scope="module")
def spacy_model(nlp) -> SpacyModel:
    return SpacyModel(model=nlp, model_name="build/spacy/spine_en")


def entities_after(extractor, text: str, model: SpacyModel) -> list[dict]:
    message = Message(data={TEXT: text})
    SpacyNLP(model, SpacyNLP.get_default_config()).process([message], model)
    extractor.process([message], model)
    return message.get(ENTITIES, [])


@pytest.mark.parametrize("text", TEXTS)
def test_the_same_entities_as_rasas_extractor_from_the_doc_already_made(text, spacy_model):
    ours = entities_after(SpineTermsExtractor(DIMENSIONS), text, spacy_model)
    rasas = entities_after(SpacyEntityExtractor(DIMENSIONS), text, spacy_model)
    assert [(e["entity"], e["start"], e["end"], e["value"]) for e in ours] == [
        (e["entity"], e["start"], e["end"], e["value"].lower()) for e in rasas
    ]
    assert all(e["extractor"] == "SpineTermsExtractor" for e in ours)


class NoSecondRun:
    """Stands where the spaCy pipeline is: calling it again fails the test."""

    def __call__(self, text: str) -> None:
        raise AssertionError(f"spaCy ran a second time on {text!r}")


def test_spine_terms_are_found_without_running_spacy_again(spacy_model):
    message = Message(data={TEXT: "I have a SLIPPED DISC at L5-S1"})
    SpacyNLP(spacy_model, SpacyNLP.get_default_config()).process([message], spacy_model)
    no_second_run = SpacyModel(model=NoSecondRun(), model_name="build/spacy/spine_en")
    SpineTermsExtractor(DIMENSIONS).process([message], no_second_run)
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [
        ("condition", "slipped disc"),
        ("region", "l5-s1"),
    ]
    with pytest.raises(AssertionError, match="second time"):
        SpacyEntityExtractor(DIMENSIONS).process([message], no_second_run)
