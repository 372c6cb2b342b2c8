"""The data contract: every topic has training questions, held-out questions and a cited answer."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from support.nlu_data import HELD_OUT, TRAINING

from runtime.catalog import load_catalog
from runtime.nlu.sentence_encoder import CACHED_TEXTS
from runtime.settings import ROOT

REQUIRED_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "help", "out_of_scope",
    "request_human", "request_callback", "emergency", "crisis",
}  # fmt: skip
SOURCE_TITLES = {
    "Disc extrusion (patient information page)",
    "Disc Extrusion vs. Protrusion",
    "Discectomy (procedure overview)",
    "Minimally Invasive Spine Surgery for Spinal Disc Herniation",
    "Exploring the Benefits of Minimally Invasive Spine Surgery for Back Pain Relief",
    "NHS guidance on back pain and cauda equina warning signs",  # safety wording (SAFETY.md)
}
PROVIDERS = re.compile(r"USA Spine Care|ADR Spine", re.IGNORECASE)
SHARED_CATALOG = ROOT.parent / "shared" / "faq_catalog.yml"


ANSWERS = {
    name: variants[0]["text"]
    for path in (ROOT / "data" / "responses").glob("*.yml")
    for name, variants in yaml.safe_load(path.read_text())["responses"].items()
}
TOPICS = sorted(load_catalog().topics)


def normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_has_enough_training_and_held_out_questions(topic):
    assert len(TRAINING[f"faq/{topic}"]) >= 20
    assert len(HELD_OUT[f"faq/{topic}"]) >= 5


@pytest.mark.parametrize("topic", TOPICS)
def test_answer_is_short_plain_and_cites_its_source(topic):
    text = ANSWERS[f"utter_faq/{topic}"]
    body, _, source_line = text.rpartition("\n")
    match = re.fullmatch(r"_Sources?: (.+)_", source_line.strip())
    assert match, f"{topic}: last line must be the italic source line"
    assert set(match.group(1).split("; ")) <= SOURCE_TITLES
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n\s*-\s", body) if s.strip()]
    assert 3 <= len(sentences) <= 10, f"{topic}: {len(sentences)} sentences"
    assert not PROVIDERS.search(text)


def test_every_response_key_has_an_answer_and_no_more():
    faq_intents = {intent for intent in TRAINING if intent.startswith("faq/")}
    assert {f"faq/{t}" for t in TOPICS} == faq_intents
    assert {f"utter_faq/{t}" for t in TOPICS} == set(ANSWERS)


def test_required_intents_and_out_of_scope_size():
    assert set(TRAINING) >= REQUIRED_INTENTS
    assert len(TRAINING["out_of_scope"]) >= 80


def test_held_out_questions_never_appear_in_training():
    training = {normalised(t) for examples in TRAINING.values() for t in examples}
    leaked = [t for examples in HELD_OUT.values() for t in examples if normalised(t) in training]
    assert leaked == []


def test_real_patient_questions_never_appear_in_training_and_name_their_source():
    """The dev set measures text this team did not write: none of it may be trained on."""
    training = {normalised(t) for examples in TRAINING.values() for t in examples}
    real = yaml.safe_load((ROOT / "tests" / "devset" / "real_questions.yml").read_text())["questions"]
    assert [q["text"] for q in real if normalised(q["text"]) in training] == []
    assert all(q["source"].startswith("http") for q in real)
    labels = {q["label"] for q in real} - {"out_of_scope", "emergency", "crisis"}
    assert labels <= set(TOPICS)


@pytest.mark.parametrize("name", ["helper_questions.yml", "helper_questions_named.yml"])
def test_helper_written_questions_never_appear_in_training(name):
    training = {normalised(t) for examples in TRAINING.values() for t in examples}
    written = yaml.safe_load((ROOT / "tests" / "devset" / name).read_text())["questions"]
    assert [q["text"] for q in written if normalised(q["text"]) in training] == []
    assert {q["label"] for q in written} - {"out_of_scope"} <= set(TOPICS)


def test_no_training_question_has_two_labels():
    counts = Counter(normalised(t) for examples in TRAINING.values() for t in set(map(normalised, examples)))
    assert [text for text, n in counts.items() if n > 1] == []


def test_the_sentence_encoders_cache_holds_every_training_example():
    """Training embeds each example once only while they all fit: past that, it is ~25x slower."""
    assert len({text for examples in TRAINING.values() for text in examples}) < CACHED_TEXTS


@pytest.mark.skipif(not SHARED_CATALOG.exists(), reason="../shared is not beside this clone")
def test_topics_match_the_shared_catalog():
    catalog = yaml.safe_load(SHARED_CATALOG.read_text())["topics"]
    assert {t["id"] for t in catalog} <= set(TOPICS)  # plus red_flag_symptoms (SAFETY.md)
    for entry in catalog:  # the catalog's sample questions are trained verbatim
        assert {normalised(a) for a in entry["asks"]} <= set(map(normalised, TRAINING[f"faq/{entry['id']}"]))
