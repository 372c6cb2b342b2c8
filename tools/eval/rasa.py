"""`rasa test nlu` runs of the evaluation (through runtime.rasa_cli) and reading their reports."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from runtime.parse_data import FAQ_INTENT
from runtime.settings import ROOT
from tools.eval import nlu_gate as check_nlu_results
from tools.eval.metrics import Rate

SUMMARY_KEYS = ("accuracy", "macro avg", "weighted avg", "micro avg")


class RasaRunFailed(RuntimeError):
    pass


def heldout_command(model: Path, nlu: Path, out: Path) -> list[str]:
    return [
        *("-m", "runtime.rasa_cli", "test", "nlu"),
        *("--model", str(model), "--nlu", str(nlu), "--out", str(out), "--successes"),
    ]


def cross_validation_command(nlu: Path, config: Path, out: Path, folds: int = 5) -> list[str]:
    return [
        *("-m", "runtime.rasa_cli", "test", "nlu", "--nlu", str(nlu), "--cross-validation"),
        *("--folds", str(folds), "-c", str(config), "--out", str(out)),
    ]


def run(arguments: list[str], log: Path) -> None:
    """Runs `python <arguments>` in the project root; its output goes to log, not the terminal."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, *arguments], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        raise RasaRunFailed(
            f"`{' '.join(arguments[1:])}` exited with {done.returncode} (log: {log}):\n{tail}"
        )


def _load(path: Path) -> dict | list | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def label_report(report_dir: Path) -> dict[str, dict[str, float]]:
    """Per label precision/recall/F1/support from Rasa's reports: topics (`faq/<id>`) from the
    ResponseSelector's report, the other intents from the intent report."""
    rows = {}
    intents = _load(report_dir / "intent_report.json") or {}
    topics = _load(report_dir / "response_selection_report.json") or {}
    for label, row in [*intents.items(), *topics.items()]:
        if label in SUMMARY_KEYS or label == FAQ_INTENT or not isinstance(row, dict):
            continue
        rows[label] = {
            "precision": row["precision"],
            "recall": row["recall"],
            "f1": row["f1-score"],
            "support": int(row["support"]),
        }
    return rows


def accuracies(report_dir: Path) -> dict[str, float]:
    """Overall accuracy of the intent classifier and of the ResponseSelector (topic) alone."""
    result = {}
    for name, file in (("intent", "intent_report.json"), ("topic", "response_selection_report.json")):
        report = _load(report_dir / file) or {}
        if "accuracy" in report:
            result[name] = float(report["accuracy"])
    return result


def topic_confusions(report_dir: Path) -> list[tuple[str, str, int]]:
    """(expected, predicted, count) from the ResponseSelector's errors, most frequent first."""
    errors = _load(report_dir / "response_selection_errors.json") or []
    counts = Counter(
        (e["intent_response_key_target"], (e.get("intent_response_key_prediction") or {}).get("name") or "?")
        for e in errors
    )
    return [(e, p, n) for (e, p), n in counts.most_common()]


def gate_catalog_accuracy(report_dir: Path) -> Rate:
    """Catalog accuracy as the `make test` gate (tools.eval.nlu_gate) computes it from the same run."""
    rows = [r for r in check_nlu_results.load_predictions(report_dir) if r["intent"] == FAQ_INTENT]
    return Rate(sum(map(check_nlu_results.answered_right, rows)), len(rows))
