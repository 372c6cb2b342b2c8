"""runtime.nlu.sentence_encoder: the NumPy MiniLM gives the vectors transformers gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from runtime.nlu.sentence_encoder import (
    BUNDLED_SHA256,
    bundled_model_dir,
    forget_encoded_texts,
    load_encoder,
    weights_sha256,
)

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "minilm_reference.json").read_text())["vectors"]


@pytest.fixture(scope="module")
def encoder():
    return load_encoder(str(bundled_model_dir()))


@pytest.mark.parametrize("text", list(REFERENCE))
def test_vectors_match_the_transformers_reference(encoder, text):
    ours = encoder.encode(text)
    assert ours.shape == (384,)
    assert float(np.linalg.norm(ours)) == pytest.approx(1.0, abs=1e-5)
    assert float(ours @ np.array(REFERENCE[text])) > 0.9999


def test_paraphrases_are_near_and_unrelated_texts_far(encoder):
    a = encoder.encode("How long is recovery after a microdiscectomy?")
    b = encoder.encode("when can I go back to work after discectomy surgery")
    c = encoder.encode("my cat is sick")
    assert a @ b > 0.4 > 0.1 > a @ c


def test_the_bundled_weights_are_the_pinned_ones():
    assert weights_sha256(bundled_model_dir()) == BUNDLED_SHA256


def test_other_weights_than_the_configured_ones_are_refused(tmp_path):
    from rasa.shared.exceptions import InvalidConfigException

    from runtime.nlu.sentence_encoder import checked_encoder

    with pytest.raises(InvalidConfigException, match="sha256"):
        checked_encoder(None, "0" * 64)
    with pytest.raises(InvalidConfigException, match="No sentence-embedding weights"):
        checked_encoder(str(tmp_path), BUNDLED_SHA256)


def test_a_lone_surrogate_is_read_as_a_question_mark(encoder):
    """A JSON body can carry "\\ud800"; the Rust tokenizer cannot take it."""
    assert float(encoder.encode("what is a disc\ud800") @ encoder.encode("what is a disc?")) > 0.9999


def test_a_benchmark_can_make_every_encoder_forget_the_texts_it_encoded(encoder):
    vector = encoder.encode("how long is recovery after a discectomy")
    assert encoder.encode.cache_info().currsize > 0
    forget_encoded_texts()
    assert encoder.encode.cache_info().currsize == 0
    assert np.array_equal(encoder.encode("how long is recovery after a discectomy"), vector)
