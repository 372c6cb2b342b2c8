"""tools.eval.nlu_gate: the held-out gate reads rasa's reports and fails below the thresholds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from runtime.settings import ROOT


def write_reports(folder, rows):
    """rows: (text, intent, predicted intent, topic, predicted topic)."""
    intents = {"intent_successes.json": [], "intent_errors.json": []}
    selections = {"response_selection_successes.json": [], "response_selection_errors.json": []}
    for text, intent, predicted, topic, predicted_topic in rows:
        ok = "successes" if intent == predicted else "errors"
        intents[f"intent_{ok}.json"].append(
            {"text": text, "intent": intent, "intent_prediction": {"name": predicted, "confidence": 0.9}}
        )
        if topic:
            ok = "successes" if topic == predicted_topic else "errors"
            selections[f"response_selection_{ok}.json"].append(
                {
                    "text": text,
                    "intent_response_key_target": f"faq/{topic}",
                    "intent_response_key_prediction": {"name": f"faq/{predicted_topic}", "confidence": 0.9},
                }
            )
    for name, items in {**intents, **selections}.items():
        (folder / name).write_text(json.dumps(items))


def run_gate(folder):
    return subprocess.run(
        [sys.executable, "-m", "tools.eval.nlu_gate", str(folder)], cwd=ROOT, capture_output=True, text=True
    )


GOOD = [
    ("q1", "faq", "faq", "miss_scar", "miss_scar"),
    ("q2", "faq", "faq", "miss_risks", "miss_risks"),
    ("o1", "out_of_scope", "out_of_scope", None, None),
]


def test_passes_when_both_rates_meet_the_thresholds(tmp_path):
    write_reports(tmp_path, GOOD)
    result = run_gate(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "PASS  catalog accuracy         1.000 on 2" in result.stdout


@pytest.mark.parametrize(
    "bad_row",
    [
        ("q3", "faq", "faq", "miss_scar", "miss_recovery"),  # wrong answer chosen
        ("q3", "faq", "out_of_scope", "miss_scar", "miss_scar"),  # right answer, wrong intent
    ],
)
def test_a_catalog_question_counts_only_when_intent_and_answer_are_right(tmp_path, bad_row):
    write_reports(tmp_path, [*GOOD, bad_row])
    result = run_gate(tmp_path)
    assert result.returncode == 1
    assert "FAIL  catalog accuracy         0.667 on 3" in result.stdout
    assert "1 x miss_scar ->" in result.stdout


def test_fails_on_low_out_of_scope_recall(tmp_path):
    write_reports(tmp_path, [*GOOD, ("o2", "out_of_scope", "faq", None, None)])
    result = run_gate(tmp_path)
    assert result.returncode == 1
    assert "FAIL  out-of-scope recall      0.500 on 2" in result.stdout
