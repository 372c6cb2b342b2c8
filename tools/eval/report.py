"""What the evaluation writes to reports/eval/ and prints: CSVs, summary.md, the terminal table."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.eval.data import is_catalog
from tools.eval.devset import NO_RED_FLAG
from tools.eval.metrics import Check, Headline, Prediction, Rate, confused_pairs, per_label
from tools.eval.outcomes import ALARMS, outcome, split_rows, split_table

MAX_PAIRS = 15
PREDICTION_COLUMNS = [
    *("text", "expected", "assistant", "assistant_confidence", "assistant_ms"),
    *("baseline", "baseline_similarity"),
]


@dataclass
class Results:
    mode: str
    model: Path
    assistant: list[Prediction]
    baseline: list[Prediction]
    baseline_threshold: float
    baseline_loo_accuracy: float | None
    assistant_headline: Headline
    baseline_headline: Headline
    checks: list[Check]
    titles: dict[str, str]
    topics: list[str]
    fallback_threshold: float | None = None
    rasa_gate_accuracy: Rate | None = None
    cv_labels: dict[str, dict[str, float]] = field(default_factory=dict)
    cv_accuracies: dict[str, float] = field(default_factory=dict)
    cv_pairs: list[tuple[str, str, int]] = field(default_factory=list)
    dev: list[Prediction] = field(default_factory=list)  # real patients' questions
    helper: list[Prediction] = field(default_factory=list)  # the questions a helper wrote
    named: list[Prediction] = field(default_factory=list)  # ... each naming the catalog
    posts: list[Prediction] = field(default_factory=list)  # real posts labelled for red flags

    def labels(self) -> list[str]:
        """Expected labels: catalog topics in menu order, then any other topic and intent alphabetically."""
        expected = {p.expected for p in self.assistant}
        known = [t for t in self.topics if t in expected]
        return known + sorted(expected - set(known), key=lambda e: (not is_catalog(e), e))


def _rate(rate: Rate) -> str:
    return "n/a" if rate.value is None else f"{rate.value:.3f} ({rate.hits}/{rate.n})"


def comparison_rows(a: Headline, b: Headline) -> list[tuple[str, str, str]]:
    return [
        ("catalog accuracy", _rate(a.catalog_accuracy), _rate(b.catalog_accuracy)),
        ("out-of-scope recall", _rate(a.out_of_scope_recall), _rate(b.out_of_scope_recall)),
        ("emergency recall", _rate(a.emergency_recall), _rate(b.emergency_recall)),
        ("crisis recall", _rate(a.crisis_recall), _rate(b.crisis_recall)),
        ("mean time per query", f"{a.mean_ms:.1f} ms", f"{b.mean_ms:.2f} ms"),
    ]


def terminal_table(results: Results) -> str:
    header = ("held-out questions", "assistant", "TF-IDF baseline")
    rows = [header, *comparison_rows(results.assistant_headline, results.baseline_headline)]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}   {r[1]:>{widths[1]}}   {r[2]:>{widths[2]}}" for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def label_rows(results: Results) -> list[list[object]]:
    labels = results.labels()
    ours, theirs = per_label(results.assistant, labels), per_label(results.baseline, labels)
    rows = []
    for label in labels:
        row = [label, results.titles.get(label, ""), ours[label]["support"]]
        row += [_num(ours[label][k]) for k in ("precision", "recall", "f1")]
        row += [_num(theirs[label][k]) for k in ("precision", "recall", "f1")]
        if results.cv_labels:
            cv = results.cv_labels.get(label, {})
            row += [cv.get("support", "")] + [_num(cv.get(k)) for k in ("precision", "recall", "f1")]
        rows.append(row)
    return rows


def label_header(results: Results) -> list[str]:
    header = ["label", "title", "support", "precision", "recall", "f1"]
    header += ["baseline_precision", "baseline_recall", "baseline_f1"]
    if results.cv_labels:
        header += ["cv_support", "cv_precision", "cv_recall", "cv_f1"]
    return header


def pair_rows(results: Results) -> list[list[object]]:
    rows = []
    for source, pairs in (
        ("heldout_assistant", confused_pairs(results.assistant)),
        ("heldout_baseline", confused_pairs(results.baseline)),
        ("cv_response_selector", results.cv_pairs),
    ):
        for expected, predicted, count in pairs:
            rows.append([source, expected, results.titles.get(expected, ""), predicted, count])
    return rows


def _prediction_row(ours: Prediction, theirs: Prediction) -> list[object]:
    confidence, ms = f"{ours.confidence:.3f}", f"{1000 * ours.seconds:.1f}"
    return [
        ours.text,
        ours.expected,
        ours.predicted,
        confidence,
        ms,
        theirs.predicted,
        f"{theirs.confidence:.3f}",
    ]


def write_tables(results: Results, out: Path) -> list[Path]:
    pairs = list(zip(results.assistant, results.baseline, strict=True))
    return [
        _write_csv(out / "per_label.csv", label_header(results), label_rows(results)),
        _write_csv(
            out / "heldout_errors.csv",
            ["text", "expected", "predicted", "confidence", "baseline_predicted"],
            [
                [a.text, a.expected, a.predicted, f"{a.confidence:.3f}", b.predicted]
                for a, b in pairs
                if not a.right
            ],
        ),
        _write_csv(
            out / "heldout_predictions.csv",
            PREDICTION_COLUMNS,
            [_prediction_row(a, b) for a, b in pairs],
        ),
        _write_csv(out / "dev_predictions.csv", DEV_COLUMNS, [dev_row(d) for d in results.dev]),
        _write_csv(out / "helper_predictions.csv", DEV_COLUMNS, [dev_row(d) for d in results.helper]),
        _write_csv(out / "named_predictions.csv", DEV_COLUMNS, [dev_row(d) for d in results.named]),
        _write_csv(out / "posts_predictions.csv", DEV_COLUMNS, [dev_row(d) for d in results.posts]),
        _write_csv(
            out / "confused_pairs.csv",
            ["source", "expected", "title", "predicted", "count"],
            pair_rows(results),
        ),
    ]


DEV_COLUMNS = ["text", "expected", "predicted", "confidence", "first_guess", "outcome"]


def dev_row(p: Prediction) -> list[str]:
    return [p.text, p.expected, p.predicted, f"{p.confidence:.3f}", p.first_guess or "", dev_outcome(p)]


def dev_outcome(p: Prediction) -> str:
    if is_catalog(p.expected):
        return outcome(p)
    if p.expected == NO_RED_FLAG:
        return "false alarm" if p.predicted in ALARMS else "no alarm"
    return "right" if p.right else "missed"


def sets_table(results: Results) -> str:
    """What users get on each set, side by side."""
    return split_table(
        [
            split_rows("held-out", results.assistant),
            split_rows("real questions", results.dev),
            split_rows("helper-written", results.helper),
            split_rows("naming the catalog", results.named),
            split_rows("real posts", results.posts),
        ]
    )


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]


def _pairs_md(title: str, pairs: list[tuple[str, str, int]], titles: dict[str, str]) -> list[str]:
    if not pairs:
        return [f"### {title}", "", "None.", ""]
    rows = [[n, f"{e} ({titles.get(e, '')})", f"{p} ({titles.get(p, '-')})"] for e, p, n in pairs[:MAX_PAIRS]]
    return [f"### {title}", "", *_md_table(["count", "expected", "predicted"], rows), ""]


def summary_markdown(results: Results) -> str:
    a = results
    lines = [
        "# Evaluation of the spine FAQ assistant",
        "",
        f"Model `{a.model}`, run `{a.mode}`. Held-out set: `tests/heldout/` ({len(a.assistant)} questions).",
        "",
        "## Assistant vs baseline on the held-out questions",
        "",
        "The assistant is measured through the runtime parse (`Agent.parse_message`: fallback, "
        "EmbeddingTopicChoice and RedFlagDetector included); a fallback counts as not answered. "
        "The baseline is TF-IDF nearest neighbour over the training questions "
        f"(similarity threshold {a.baseline_threshold:.2f}, chosen by leave-one-out on the training data"
        + (f", where it scores {a.baseline_loo_accuracy:.3f}" if a.baseline_loo_accuracy is not None else "")
        + ").",
        "",
        *_md_table(
            ["held-out", "assistant", "TF-IDF baseline"],
            comparison_rows(a.assistant_headline, a.baseline_headline),
        ),
        "",
        "## What users get: held-out, real patients' and helper-written questions, real posts",
        "",
        "Real questions: `tests/devset/real_questions.yml`, verbatim from public pages with sources, "
        "never used in training. Helper-written: `tests/devset/helper_questions.yml`, catalog "
        "questions and near-domain out-of-scope ones a helper wrote from the catalog alone; naming "
        "the catalog: `tests/devset/helper_questions_named.yml`, another helper's, each naming a "
        "condition or operation of the catalog (`named_predictions.csv`). Real "
        "posts: `tests/devset/real_posts.yml`, long posts from patients' blogs and forums, verbatim "
        "with sources, labelled for a red flag or crisis now (safety columns only). Every message "
        "of each set: `heldout_predictions.csv`, `dev_predictions.csv`, `helper_predictions.csv` "
        "and `posts_predictions.csv`.",
        "",
        "```",
        sets_table(a),
        "```",
        "",
        "```",
        *(c.line() for c in a.checks),
        "```",
        "",
    ]
    if a.rasa_gate_accuracy is not None:
        lines += [
            f"Cross-check: `rasa test nlu` on the same file (`heldout/`, read as `make test`'s gate "
            f"reads it) gives catalog accuracy {_rate(a.rasa_gate_accuracy)}. It is higher because "
            "`rasa test nlu` undoes FallbackClassifier predictions before scoring (rasa/nlu/test.py), "
            "so there a fallback counts as the intent it fell back from; the runtime numbers above do not.",
            "",
        ]
    if a.cv_accuracies:
        shown = ", ".join(f"{k} accuracy {v:.3f}" for k, v in a.cv_accuracies.items())
        lines += [
            f"5-fold cross-validation on the training data (`cv/`, Rasa's reports): {shown}. "
            "Topic accuracy is the ResponseSelector's alone, fallbacks undone as in `rasa test nlu`.",
            "",
        ]
    lines += [
        "## Pictures",
        "",
        "- `topic_confusion.png`: held-out catalog questions, expected topic (rows) vs answered topic "
        "(columns); the last column is every answer that is not a topic (fallback or another intent).",
        "- `confidence_histogram.png`: the assistant's confidence for right and wrong held-out predictions "
        "(for a topic: the ResponseSelector's; for a fallback: the confidence it fell back from).",
        "",
        "![topic confusion](topic_confusion.png)",
        "",
        "![confidence](confidence_histogram.png)",
        "",
        "## Most confused topic pairs",
        "",
        *_pairs_md("Assistant, held-out", confused_pairs(a.assistant), a.titles),
        *_pairs_md("Baseline, held-out", confused_pairs(a.baseline), a.titles),
    ]
    if a.cv_labels:
        lines += _pairs_md("ResponseSelector alone, 5-fold cross-validation", a.cv_pairs, a.titles)
    errors = [(p, b) for p, b in zip(a.assistant, a.baseline, strict=True) if not p.right]
    lines += [
        f"## Every held-out error of the assistant ({len(errors)})",
        "",
        *_md_table(
            ["text", "expected", "predicted", "confidence", "baseline"],
            [[p.text, p.expected, p.predicted, f"{p.confidence:.2f}", b.predicted] for p, b in errors],
        ),
        "",
        "## Per label (`per_label.csv`)",
        "",
        *_md_table(label_header(a), label_rows(a)),
        "",
    ]
    return "\n".join(lines)
