"""Quality evaluation of the assistant (`make eval`): held-out test, baseline comparison, gates.

1. `rasa test nlu` on tests/heldout (Rasa's own reports in reports/eval/heldout) and, unless
   --fast, 5-fold cross-validation on data/nlu (reports/eval/cv; retrains 5 times, ~15 min).
2. The assistant's runtime parse (Agent.parse_message) of every held-out question, and a
   TF-IDF nearest-neighbour baseline trained on the same training questions.
3. reports/eval/: summary.md, per_label.csv, heldout_errors.csv, heldout_predictions.csv,
   confused_pairs.csv, topic_confusion.png, confidence_histogram.png.
4. A side-by-side table and PASS/FAIL gates; exit code 1 on any FAIL, 2 when a step cannot run.

Usage: python -m tools.eval [--fast] [--model models/spine-assistant.tar.gz] [--out reports/eval]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

from runtime import settings
from runtime.rasa_cli import silence_library_warnings
from runtime.settings import ROOT
from tools.eval import assistant as eval_assistant
from tools.eval import plots as eval_plots
from tools.eval import rasa as eval_rasa
from tools.eval.baseline import NearestNeighbourBaseline
from tools.eval.consent import CONSENT_SETS, ConsentReplies, consent_checks, consent_run
from tools.eval.data import Example, is_catalog, label_titles, load_examples, topic_titles
from tools.eval.devset import DEVSET, HELPER_SET, NAMED_SET, POSTS, load_devset, load_posts
from tools.eval.metrics import Prediction, Thresholds, checks, headline, topic_confusion
from tools.eval.outcomes import outcome_checks
from tools.eval.report import Results, sets_table, summary_markdown, terminal_table, write_tables
from tools.eval.several import SEVERAL_QUESTIONS, load_several, several_checks, several_run

HELDOUT = Path("tests/heldout")
TRAINING = Path("data/nlu")
CONFIG = Path("config.yml")
DEFAULT_MODEL = Path("models/spine-assistant.tar.gz")
DEFAULT_OUT = Path("reports/eval")


class Progress:
    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.start:5.0f}s] {message}", flush=True)


def shown_path(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def fallback_threshold(config: Path = ROOT / CONFIG) -> float | None:
    """The FallbackClassifier's threshold from config.yml, drawn on the confidence histogram."""
    pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    return next((c.get("threshold") for c in pipeline if c.get("name") == "FallbackClassifier"), None)


def baseline_predictions(model: NearestNeighbourBaseline, examples: Sequence[Example]) -> list[Prediction]:
    """One question at a time, as a chat would send them, so the time per query is comparable."""
    predictions = []
    for example in examples:
        start = time.perf_counter()
        [(label, similarity)] = model.predict([example.text])
        seconds = time.perf_counter() - start
        predictions.append(Prediction(example.text, example.label, label, similarity, seconds))
    return predictions


def write_pictures(results: Results, out: Path) -> list[Path]:
    matrix, _ = topic_confusion(results.assistant, results.topics)
    titles = [results.titles[t] for t in results.topics]
    confusion = eval_plots.confusion_figure(
        matrix,
        titles,
        [*titles, eval_plots.NOT_A_TOPIC],
        f"Held-out catalog questions: expected vs answered topic ({sum(map(sum, matrix))} questions)",
    )
    right = [p.confidence for p in results.assistant if p.right]
    wrong = [p.confidence for p in results.assistant if not p.right]
    histogram = eval_plots.confidence_figure(
        right,
        wrong,
        "Assistant on held-out questions: confidence of right vs wrong predictions",
        results.fallback_threshold,
    )
    return [
        eval_plots.save(confusion, out / "topic_confusion.png"),
        eval_plots.save(histogram, out / "confidence_histogram.png"),
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="skip the 5-fold cross-validation (~15 min)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--folds", type=int, default=5)
    return parser.parse_args(argv)


def evaluate(args: argparse.Namespace, step: Progress) -> Results:
    out = args.out
    step(f"rasa test nlu on {HELDOUT} -> {out / 'heldout'}")
    eval_rasa.run(
        eval_rasa.heldout_command(args.model, HELDOUT, out / "heldout"), out / "logs" / "heldout.log"
    )

    training, heldout = load_examples(ROOT / TRAINING), load_examples(ROOT / HELDOUT)
    step(f"baseline: TF-IDF nearest neighbour on {len(training)} training questions")
    baseline = NearestNeighbourBaseline().fit([e.text for e in training], [e.label for e in training])
    baseline_run = baseline_predictions(baseline, heldout)

    step(f"assistant: loading {args.model}")
    agent = eval_assistant.load_agent(ROOT / args.model)
    step(f"assistant: parsing {len(heldout)} held-out questions")
    assistant_run = eval_assistant.predict(agent, heldout)
    dev = load_devset(ROOT / DEVSET)
    step(f"assistant: parsing {len(dev)} real patients' questions ({DEVSET})")
    dev_run = eval_assistant.predict(agent, dev)
    helper = load_devset(ROOT / HELPER_SET)
    step(f"assistant: parsing {len(helper)} helper-written questions ({HELPER_SET})")
    helper_run = eval_assistant.predict(agent, helper)
    named = load_devset(ROOT / NAMED_SET)
    step(f"assistant: parsing {len(named)} helper-written questions naming the catalog ({NAMED_SET})")
    named_run = eval_assistant.predict(agent, named)
    posts = load_posts(ROOT / POSTS)
    step(f"assistant: parsing {len(posts)} real patients' posts labelled for red flags ({POSTS})")
    posts_run = eval_assistant.predict(agent, posts)
    replies = ConsentReplies.load([ROOT / path for path in CONSENT_SETS])
    step(f"assistant: parsing {len(replies.clear_yes) + len(replies.not_yes)} replies to a consent question")
    consent = consent_run(agent, replies)
    step(
        f"consent: the intent alone would have shared on {consent.not_yes_read_as_affirm.hits} of "
        f"{consent.not_yes_read_as_affirm.n} unclear replies; clear yeses asked again: "
        + "; ".join(consent.missed_yes)
    )

    asked = load_several(ROOT / SEVERAL_QUESTIONS)
    step(f"assistant: parsing {len(asked)} messages with several questions ({SEVERAL_QUESTIONS})")
    several = several_run(agent, asked)
    step(
        f"several questions: main one answered {several.main_answered.hits}/{several.main_answered.n}, "
        f"answered or offered {several.main_shown.hits}/{several.main_shown.n}; the others answered "
        f"or offered {several.others_shown.hits}/{several.others_shown.n}; a topic not asked answered "
        f"{several.wrong.hits}"
    )

    cv_dir = out / "cv"
    if not args.fast:
        step(f"{args.folds}-fold cross-validation on {TRAINING} -> {cv_dir} (retrains {args.folds} times)")
        command = eval_rasa.cross_validation_command(TRAINING, CONFIG, cv_dir, args.folds)
        eval_rasa.run(command, out / "logs" / "cv.log")

    ours, theirs = headline(assistant_run), headline(baseline_run)
    limits = Thresholds()
    return Results(
        mode="full" if not args.fast else "--fast (no cross-validation)",
        model=args.model,
        assistant=assistant_run,
        baseline=baseline_run,
        baseline_threshold=baseline.threshold,
        baseline_loo_accuracy=baseline.leave_one_out_accuracy,
        assistant_headline=ours,
        baseline_headline=theirs,
        checks=checks(ours, theirs)
        + outcome_checks(assistant_run, dev_run, helper_run, named_run, posts_run, limits)
        + consent_checks(consent, limits)
        + several_checks(several, limits),
        dev=dev_run,
        helper=helper_run,
        named=named_run,
        posts=posts_run,
        titles=label_titles(),
        topics=list(topic_titles()),
        fallback_threshold=fallback_threshold(),
        rasa_gate_accuracy=eval_rasa.gate_catalog_accuracy(out / "heldout"),
        cv_labels={} if args.fast else eval_rasa.label_report(cv_dir),
        cv_accuracies={} if args.fast else eval_rasa.accuracies(cv_dir),
        cv_pairs=[] if args.fast else [p for p in eval_rasa.topic_confusions(cv_dir) if is_catalog(p[0])],
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings.load()
    silence_library_warnings()
    args = parse_args(argv)
    args.out = args.out if args.out.is_absolute() else ROOT / args.out
    step = Progress()
    if not (ROOT / args.model).exists():
        print(f"no model at {args.model}: run `make train` first", file=sys.stderr)
        return 2
    try:
        results = evaluate(args, step)
    except eval_rasa.RasaRunFailed as failure:
        print(failure, file=sys.stderr)
        return 2

    written = write_tables(results, args.out) + write_pictures(results, args.out)
    summary = args.out / "summary.md"
    summary.write_text(summary_markdown(results), encoding="utf-8")
    step(f"reports: {', '.join(p.name for p in [summary, *written])} in {shown_path(args.out)}/")

    print()
    print(terminal_table(results))
    print()
    print(sets_table(results))
    print(f"baseline similarity threshold {results.baseline_threshold:.2f} (leave-one-out on training data)")
    if results.rasa_gate_accuracy is not None and results.rasa_gate_accuracy.n:
        print(
            f"rasa test nlu catalog accuracy, as make test's gate reads it (fallbacks undone by rasa): "
            f"{results.rasa_gate_accuracy.value:.3f}"
        )
    if results.cv_accuracies:
        shown = ", ".join(f"{k} {v:.3f}" for k, v in results.cv_accuracies.items())
        print(f"{args.folds}-fold cross-validation accuracy: {shown}")
    print()
    for check in results.checks:
        print(check.line())
    return 1 if any(not c.passed for c in results.checks) else 0


if __name__ == "__main__":
    sys.exit(main())
