"""tools/overlap.py: new training questions too close to an evaluation message are listed."""

from __future__ import annotations

import yaml

from runtime.nlu.sentence_encoder import bundled_model_dir, load_encoder
from tools import overlap

EVALUATION_FILE = """
questions:
- text: "My MRI says L5-S1 extrusion. What does that mean?"
  label: "what_is_disc_extrusion"
  source: "https://example.org/a-page-of-questions"
  secondary: ["disc_symptoms"]
nlu:
- intent: faq/what_is_miss
  examples: |
    - what is keyhole spine surgery
    - MISS meaning
clear_yes:
  - "yes"
  - "yes please"
"""


def test_every_message_of_an_evaluation_file_is_read_and_no_label_or_source():
    messages = list(overlap.messages_in(yaml.safe_load(EVALUATION_FILE)))
    assert messages == [
        "My MRI says L5-S1 extrusion. What does that mean?",
        "what is keyhole spine surgery",
        "MISS meaning",
        "yes please",
    ]


def test_the_repository_evaluation_sets_are_read():
    messages = overlap.evaluation_messages()
    assert len(messages) > 3000
    assert not any(message.startswith("http") for message in messages)


def test_a_paraphrase_of_an_evaluation_message_is_listed_and_an_unrelated_question_is_not():
    encode = load_encoder(str(bundled_model_dir())).encode_all
    references = ["what is keyhole spine surgery", "how long does a discectomy take to heal"]
    found = overlap.overlaps(
        ["what's keyhole spinal surgery?", "can I eat cheese before an MRI scan"], references, 0.85, encode
    )
    assert [(item.text, item.nearest) for item in found] == [
        ("what's keyhole spinal surgery?", "what is keyhole spine surgery")
    ]
    assert found[0].similarity >= 0.85


def test_the_examples_not_listed_are_written_as_training_data(tmp_path):
    examples = [
        overlap.Example("what is a disc bulge", "faq/what_is_disc_protrusion"),
        overlap.Example("how big is the scar", "faq/miss_scar"),
        overlap.Example("is a bulging disc serious", "faq/what_is_disc_protrusion"),
    ]
    kept = tmp_path / "kept.yml"
    assert overlap.write_kept(examples, {"how big is the scar"}, kept) == 2
    assert overlap.load_examples(kept) == [examples[0], examples[2]]
