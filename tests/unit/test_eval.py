"""tools.eval and its parts, on made-up data: no model, no `rasa test`, no cross-validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.settings import ROOT
from tools.eval import plots as eval_plots
from tools.eval.assistant import first_guess, runtime_label
from tools.eval.baseline import NearestNeighbourBaseline
from tools.eval.consent import CONSENT_SETS, ConsentReplies, ConsentRun, consent_checks
from tools.eval.data import load_examples, topic_titles
from tools.eval.devset import NO_RED_FLAG, POSTS, load_posts
from tools.eval.evaluate import main
from tools.eval.metrics import (
    Prediction,
    Rate,
    Thresholds,
    checks,
    confused_pairs,
    headline,
    per_label,
    topic_confusion,
)
from tools.eval.outcomes import catalog_split, false_alarms, outcome_checks
from tools.eval.rasa import cross_validation_command, heldout_command, label_report
from tools.eval.report import Results, dev_row, summary_markdown, terminal_table, write_tables
from tools.eval.several import SEVERAL_QUESTIONS, Asked, SeveralRun, load_several, several_checks

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

TRAINING = {
    "faq/recovery": [
        "how long is recovery after a discectomy",
        "how long does recovery take after discectomy",
        "discectomy recovery time",
        "recovery time after a discectomy operation",
    ],
    "faq/risks": [
        "what are the risks of a discectomy",
        "discectomy risks and complications",
        "what can go wrong in a discectomy",
        "risks of discectomy surgery",
    ],
    "out_of_scope": ["what is the weather in paris", "recommend a pizza place", "who won the football"],
}


def tiny_training() -> tuple[list[str], list[str]]:
    texts = [t for examples in TRAINING.values() for t in examples]
    labels = [label for label, examples in TRAINING.items() for _ in examples]
    return texts, labels


# --- baseline -------------------------------------------------------------------------------


def test_baseline_answers_the_nearest_training_question_and_declines_far_ones():
    model = NearestNeighbourBaseline().fit(*tiny_training())

    assert 0.0 < model.threshold < 1.0, "chosen by leave-one-out on the training data"
    assert model.leave_one_out_accuracy is not None
    [(near, near_similarity), (far, far_similarity)] = model.predict(
        ["how long is the recovery after discectomy", "qqq zzz"]
    )
    assert near == "faq/recovery" and near_similarity >= model.threshold
    assert far == "out_of_scope" and far_similarity < model.threshold


def test_baseline_threshold_turns_weak_matches_into_out_of_scope():
    texts, labels = tiny_training()
    question = ["risks of the operation"]

    [(lenient, similarity)] = NearestNeighbourBaseline(threshold=0.0).fit(texts, labels).predict(question)
    [(strict, _)] = NearestNeighbourBaseline(threshold=similarity + 0.01).fit(texts, labels).predict(question)

    assert lenient == "faq/risks"
    assert strict == "out_of_scope"


# --- the assistant's runtime label ----------------------------------------------------------


def selector(topic: str, confidence: float) -> dict:
    return {"faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": confidence}}}


def test_runtime_label_is_the_answered_topic_or_the_intent():
    answered = {"intent": {"name": "faq", "confidence": 1.0}, "response_selector": selector("risks", 0.8)}
    greeting = {"intent": {"name": "greet", "confidence": 0.9}, "response_selector": selector("risks", 0.1)}

    assert runtime_label(answered) == ("faq/risks", 0.8)
    assert runtime_label(greeting) == ("greet", 0.9)


def test_runtime_label_keeps_a_fallback_with_the_confidence_it_fell_back_from():
    guarded = {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "faq", "confidence": 0.99}],
        "response_selector": selector("risks", 0.3),
    }
    unsure = {
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "thank", "confidence": 0.2}],
    }

    assert runtime_label(guarded) == ("nlu_fallback", 0.3)
    assert runtime_label(unsure) == ("nlu_fallback", 0.2)


def test_the_first_guess_is_the_first_did_you_mean_button_topic_or_intent():
    def unsure(faq: float, human: float) -> dict:
        ranking = [{"name": "faq", "confidence": faq}, {"name": "request_human", "confidence": human}]
        return {
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": ranking,
            "response_selector": {
                "faq": {"ranking": [{"intent_response_key": "faq/miss_scar", "confidence": 0.9}]}
            },
        }

    assert first_guess(unsure(faq=0.6, human=0.3)) == "faq/miss_scar"
    assert first_guess(unsure(faq=0.3, human=0.6)) == "request_human"
    assert first_guess(unsure(faq=0.01, human=0.01)) is None


# --- metrics and gates ----------------------------------------------------------------------


def p(expected: str, predicted: str, confidence: float = 0.9, seconds: float = 0.01) -> Prediction:
    return Prediction(f"{expected} -> {predicted}", expected, predicted, confidence, seconds)


def assistant_predictions() -> list[Prediction]:
    return [
        *[p("faq/recovery", "faq/recovery")] * 9,
        p("faq/risks", "nlu_fallback", 0.3),  # a fallback is not an answer
        *[p("out_of_scope", "out_of_scope")] * 9,
        p("out_of_scope", "faq/risks"),
        *[p("emergency", "emergency")] * 3,
        *[p("crisis", "crisis")] * 2,
    ]


def baseline_predictions() -> list[Prediction]:
    return [*[p("faq/recovery", "faq/recovery", seconds=0.001)] * 8, *[p("faq/risks", "faq/recovery")] * 2]


def test_headline_counts_a_fallback_as_not_answered():
    numbers = headline(assistant_predictions())

    assert (numbers.catalog_accuracy.hits, numbers.catalog_accuracy.n) == (9, 10)
    assert numbers.out_of_scope_recall.value == pytest.approx(0.9)
    assert numbers.emergency_recall.value == numbers.crisis_recall.value == 1.0
    assert numbers.mean_ms == pytest.approx(10.0)


def test_gates_pass_when_every_threshold_is_met():
    results = checks(headline(assistant_predictions()), headline(baseline_predictions()), Thresholds(0.9))

    assert [c.passed for c in results] == [True] * 5
    assert all(c.line().startswith("PASS") for c in results)
    assert results[-1].value == pytest.approx(0.1)


def test_gates_fail_below_a_threshold_one_missed_emergency_or_a_small_margin():
    missed = [*assistant_predictions(), p("emergency", "faq/recovery")]
    strong_baseline = [p("faq/recovery", "faq/recovery")] * 10

    results = {c.name: c for c in checks(headline(missed), headline(strong_baseline))}

    assert not results["catalog accuracy"].passed, "0.90 < 0.95"
    assert results["out-of-scope recall"].passed
    assert not results["emergency recall"].passed, "3/4 is not 1.0"
    assert results["crisis recall"].passed
    assert not results["catalog accuracy minus baseline's"].passed
    assert results["emergency recall"].line().startswith("FAIL")


def test_a_category_without_held_out_questions_fails():
    no_crisis = [x for x in assistant_predictions() if x.expected != "crisis"]

    results = {c.name: c for c in checks(headline(no_crisis), headline(baseline_predictions()))}

    assert not results["crisis recall"].passed
    assert results["crisis recall"].value is None


def test_per_label_confusions_and_topic_matrix():
    predictions = assistant_predictions()

    report = per_label(predictions, ["faq/recovery", "faq/risks", "out_of_scope"])
    matrix, columns = topic_confusion(predictions, ["faq/recovery", "faq/risks"])

    assert report["faq/recovery"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 9}
    assert report["faq/risks"]["recall"] == 0.0 and report["faq/risks"]["precision"] == 0.0
    assert confused_pairs(predictions) == [("faq/risks", "nlu_fallback", 1)]
    assert matrix == [[9, 0, 0], [0, 0, 1]]
    assert columns == ["faq/recovery", "faq/risks", "other"]


# --- pictures -------------------------------------------------------------------------------


def assert_png(path: Path) -> None:
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_confusion_figure_labels_axes_with_topic_titles(tmp_path):
    titles = topic_titles()
    topics = list(titles)[:5]
    matrix = [[3 if i == j else 0 for j in range(len(topics) + 1)] for i in range(len(topics))]
    rows = [titles[t] for t in topics]
    columns = [*rows, eval_plots.NOT_A_TOPIC]

    figure = eval_plots.confusion_figure(matrix, rows, columns, "made up")
    ax = figure.axes[0]

    assert [t.get_text() for t in ax.get_yticklabels()] == rows
    assert [t.get_text() for t in ax.get_xticklabels()] == columns
    assert "What do spinal discs do?" in rows
    assert_png(eval_plots.save(figure, tmp_path / "confusion.png"))


def test_confidence_histogram_is_written(tmp_path):
    figure = eval_plots.confidence_figure([0.9, 0.95, 0.7], [0.3, 0.5], "made up", threshold=0.4)

    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert sorted(legend) == ["fallback threshold 0.4", "right (3)", "wrong (2)"]
    assert_png(eval_plots.save(figure, tmp_path / "histogram.png"))


# --- data, Rasa reports, report files ---------------------------------------------------------


def test_topic_titles_follow_the_help_menu_and_cover_every_topic():
    titles = topic_titles()

    assert next(iter(titles)) == "faq/what_is_intervertebral_disc"
    assert all(label.startswith("faq/") and title for label, title in titles.items())
    assert len(titles) == 38


def test_load_examples_reads_intents_and_strips_entity_annotations(tmp_path):
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/risks\n  examples: |\n    - risks of [discectomy](procedure)\n'
        "    - is it safe\n- synonym: disc\n  examples: |\n    - disk\n"
    )

    assert [(e.text, e.label) for e in load_examples(tmp_path)] == [
        ("risks of discectomy", "faq/risks"),
        ("is it safe", "faq/risks"),
    ]


def test_rasa_commands_and_report_reading(tmp_path):
    intent_report = {
        "greet": {"precision": 1, "recall": 0.5, "f1-score": 0.67, "support": 2},
        "accuracy": 0.9,
    }
    topic_report = {"faq/risks": {"precision": 0.5, "recall": 1, "f1-score": 0.67, "support": 3}}
    (tmp_path / "intent_report.json").write_text(json.dumps(intent_report))
    (tmp_path / "response_selection_report.json").write_text(json.dumps(topic_report))

    assert set(label_report(tmp_path)) == {"greet", "faq/risks"}
    assert label_report(tmp_path)["faq/risks"]["support"] == 3
    assert "--successes" in heldout_command(Path("m.tar.gz"), Path("tests/heldout"), tmp_path)
    assert cross_validation_command(Path("data/nlu"), Path("config.yml"), tmp_path)[4:8] == [
        "--nlu",
        "data/nlu",
        "--cross-validation",
        "--folds",
    ]


def test_reports_list_every_error_and_the_table_both_systems(tmp_path):
    assistant = [*assistant_predictions(), p("greet", "thank")]
    baseline = [p(x.expected, x.expected) for x in assistant]
    ours, theirs = headline(assistant), headline(baseline)
    results = Results(
        mode="--fast",
        model=Path("model.tar.gz"),
        assistant=assistant,
        baseline=baseline,
        baseline_threshold=0.25,
        baseline_loo_accuracy=0.6,
        assistant_headline=ours,
        baseline_headline=theirs,
        checks=checks(ours, theirs),
        titles={"faq/recovery": "How long is recovery?", "faq/risks": "What are | the risks?"},
        topics=["faq/recovery", "faq/risks"],
    )

    written = {path.name: path for path in write_tables(results, tmp_path)}
    summary = summary_markdown(results)

    errors = written["heldout_errors.csv"].read_text().splitlines()
    assert len(errors) == 1 + 3  # header + the fallback, the wrong out-of-scope answer, the greeting
    assert "faq/risks -> nlu_fallback,faq/risks,nlu_fallback" in errors[1]
    assert written["per_label.csv"].read_text().startswith("label,title,support,precision")
    assert "What are \\| the risks?" in summary
    table = terminal_table(results)
    assert "assistant" in table and "TF-IDF baseline" in table
    assert "0.900 (9/10)" in table and "1.000 (10/10)" in table


def test_main_without_a_model_says_what_to_do(tmp_path, capsys):
    assert main(["--fast", "--model", str(tmp_path / "missing.tar.gz"), "--out", str(tmp_path)]) == 2
    assert "make train" in capsys.readouterr().err


def test_a_did_you_mean_helps_only_when_its_first_button_is_the_right_topic():
    predictions = [
        Prediction("a", "faq/recovery", "faq/recovery", 0.9),
        Prediction("b", "faq/recovery", "nlu_fallback", 0.3, first_guess="faq/recovery"),
        Prediction("c", "faq/recovery", "nlu_fallback", 0.3, first_guess="faq/risks"),
        Prediction("d", "faq/recovery", "faq/risks", 0.8),
    ]
    split = catalog_split(predictions)
    assert (split.right.hits, split.helpful.hits, split.did_you_mean.hits, split.wrong.hits) == (1, 2, 2, 1)
    gates = {
        c.name: c.passed
        for c in outcome_checks(
            predictions, predictions, predictions, [], [], Thresholds(dev_helpful_min=0.5)
        )
    }
    assert gates["real questions right or right first"]  # 2/4 >= 0.50
    assert not gates["real questions wrong-topic answers"]  # 1/4 > 0.08


def test_real_posts_are_scored_for_alarms_raised_and_missed():
    posts = load_posts(ROOT / POSTS)
    assert len(posts) >= 80
    assert {p.label for p in posts} == {"emergency", "crisis", NO_RED_FLAG}
    predictions = [
        Prediction("a", NO_RED_FLAG, "emergency", 1.0),
        Prediction("b", NO_RED_FLAG, "faq", 0.9),
        Prediction("c", NO_RED_FLAG, "nlu_fallback", 0.2),
        Prediction("d", "emergency", "emergency", 1.0),
        Prediction("e", "crisis", "emergency", 1.0),
    ]
    assert false_alarms(predictions) == Rate(1, 3)
    gates = {c.name: c.passed for c in outcome_checks([], [], [], [], predictions, Thresholds())}
    assert gates["real posts emergency recall"]
    assert not gates["real posts crisis recall"]  # the emergency reply is not the crisis line
    assert gates["real posts false alarms"]  # 1/3 <= 0.35
    dev_gates = {c.name: c.passed for c in outcome_checks([], predictions, [], [], [], Thresholds())}
    assert not dev_gates["real questions false alarms"]  # 1/3 > 0.08
    named_gates = {c.name: c.passed for c in outcome_checks([], [], [], predictions, [], Thresholds())}
    assert not named_gates["catalog-named false alarms"]  # none may alarm
    assert [dev_row(p)[-1] for p in predictions[:3]] == ["false alarm", "no alarm", "no alarm"]


def test_the_consent_sets_are_two_blind_sets_with_both_kinds_of_reply():
    replies = ConsentReplies.load([ROOT / path for path in CONSENT_SETS])
    assert len(replies.clear_yes) == 150 and len(replies.not_yes) == 170
    assert not {t.lower() for t in replies.clear_yes} & {t.lower() for t in replies.not_yes}


def test_consent_counts_what_would_be_shared_by_the_same_rule_as_the_action_server():
    def parse(text, intent="affirm", confidence=0.99):
        return {"text": text, "intent": {"name": intent, "confidence": confidence}}

    run = ConsentRun.of(
        [parse("yes please"), parse("ok", confidence=0.45), parse("ya", "nlu_fallback", 0.4)],
        [parse("hmm not sure", confidence=0.8), parse("no thanks", "deny")],
    )
    assert (run.clear_yes_taken.hits, run.clear_yes_taken.n) == (1, 3)
    assert run.missed_yes == ["ok", "ya"]
    assert (run.not_yes_taken.hits, run.not_yes_read_as_affirm.hits) == (0, 1)
    limits = Thresholds(consent_not_yes_taken_max=0.0, consent_clear_yes_taken_min=0.5)
    assert [c.passed for c in consent_checks(run, limits)] == [True, False]
    shared = ConsentRun.of([parse("yes")], [parse("ok fine", confidence=0.95)])
    assert [c.passed for c in consent_checks(shared, limits)] == [False, True]


def test_the_several_questions_set_asks_two_or_more_catalog_questions_each():
    asked = load_several(ROOT / SEVERAL_QUESTIONS)
    topics = {label.removeprefix("faq/") for label in topic_titles()}
    assert len(asked) == 50
    assert all(a.main in topics and a.others <= topics and a.main not in a.others for a in asked)


def test_several_questions_count_the_main_answer_the_offers_and_topics_not_asked():
    def parse(intent, topic, others=()):
        key = f"faq/{topic}"
        return {
            "intent": {"name": intent, "confidence": 0.9},
            "response_selector": {"faq": {"response": {"intent_response_key": key}}},
            "other_questions": list(others),
        }

    asked = [
        Asked(
            "what is a discectomy and how long is recovery",
            "what_is_discectomy",
            frozenset({"discectomy_recovery"}),
        ),
        Asked("how long is recovery and is it risky", "discectomy_recovery", frozenset({"discectomy_risks"})),
        Asked("what is MISS and does it scar", "what_is_miss", frozenset({"miss_scar"})),
        Asked(
            "what is stenosis and how is it found",
            "what_is_spinal_stenosis",
            frozenset({"diagnosis_imaging"}),
        ),
    ]
    run = SeveralRun.of(
        asked,
        [
            parse("faq", "what_is_discectomy", ["discectomy_recovery"]),  # all of it
            parse("faq", "discectomy_risks", ["discectomy_recovery"]),  # the other answered, main offered
            parse("nlu_fallback", "what_is_miss", ["miss_scar"]),  # "Did you mean": nothing shown
            parse("faq", "back_pain_causes"),  # a topic not asked
        ],
    )
    assert (run.main_answered.hits, run.main_shown.hits, run.others_shown.hits, run.wrong.hits) == (
        1,
        2,
        2,
        1,
    )
    limits = Thresholds(
        several_main_answered_min=0.25,
        several_main_shown_min=0.5,
        several_others_shown_min=0.5,
        several_wrong_max=0.2,
    )
    assert [c.passed for c in several_checks(run, limits)] == [True, True, True, False]
