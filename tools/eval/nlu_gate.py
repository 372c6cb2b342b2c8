"""Gate on `rasa test nlu` results: catalog accuracy and out-of-scope recall on held-out data.

A catalog question counts as right when the intent is `faq` and the ResponseSelector chose its
topic. `rasa test nlu` scores a fallback as the intent it fell back from, so this measures the
classifiers; `make eval` measures what users get, where a fallback counts as not answered.
Prints a summary per topic group and the worst confusions; exits 1 when a threshold is missed.

Usage: python -m tools.eval.nlu_gate REPORT_DIR [--catalog-min X] [--oos-min Y]
(defaults: the gates of `make eval`, tools/eval/metrics.py Thresholds)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from runtime.catalog import load_catalog
from runtime.parse_data import FAQ_INTENT
from tools.eval.metrics import Thresholds


def load_predictions(report_dir: Path) -> list[dict]:
    """One row per held-out example: text, gold and predicted intent, gold and predicted topic."""
    rows = {}
    for name in ("intent_successes.json", "intent_errors.json"):
        for item in json.loads((report_dir / name).read_text()):
            rows[item["text"]] = {
                "text": item["text"],
                "intent": item["intent"],
                "predicted_intent": (item.get("intent_prediction") or {}).get("name"),
            }
    for name in ("response_selection_successes.json", "response_selection_errors.json"):
        path = report_dir / name
        for item in json.loads(path.read_text()) if path.exists() else []:
            row = rows.setdefault(item["text"], {"text": item["text"], "intent": FAQ_INTENT})
            row["topic"] = item["intent_response_key_target"].split("/", 1)[-1]
            predicted = (item.get("intent_response_key_prediction") or {}).get("name") or ""
            row["predicted_topic"] = predicted.split("/", 1)[-1]
    return list(rows.values())


def topic_groups() -> dict[str, str]:
    return {topic: group.title for group in load_catalog().groups for topic in group.topics}


def answered_right(row: dict) -> bool:
    return row["predicted_intent"] == FAQ_INTENT and row.get("predicted_topic") == row.get("topic")


def recall(rows: list[dict], intent: str) -> tuple[float, int]:
    subset = [r for r in rows if r["intent"] == intent]
    hits = sum(r["predicted_intent"] == intent for r in subset)
    return (hits / len(subset) if subset else 1.0), len(subset)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report_dir", type=Path)
    gates = Thresholds()
    parser.add_argument("--catalog-min", type=float, default=gates.catalog_min)
    parser.add_argument("--oos-min", type=float, default=gates.out_of_scope_min)
    args = parser.parse_args()

    rows = load_predictions(args.report_dir)
    catalog = [r for r in rows if r["intent"] == FAQ_INTENT]
    catalog_accuracy = sum(map(answered_right, catalog)) / len(catalog)

    by_group: dict[str, list[bool]] = {}
    groups = topic_groups()
    for row in catalog:
        by_group.setdefault(groups.get(row["topic"], "?"), []).append(answered_right(row))
    print(f"{'held-out group':<32}{'n':>5}{'accuracy':>10}")
    for group, results in by_group.items():
        print(f"{group:<32}{len(results):>5}{sum(results) / len(results):>10.3f}")

    confusions = Counter(
        (r["topic"], r["predicted_topic"] if r["predicted_intent"] == FAQ_INTENT else r["predicted_intent"])
        for r in catalog
        if not answered_right(r)
    )
    if confusions:
        print("most confused (true -> predicted):")
        for (true, predicted), count in confusions.most_common(8):
            print(f"  {count} x {true} -> {predicted}")

    checks = [("catalog accuracy", catalog_accuracy, len(catalog), args.catalog_min)]
    oos_recall, oos_n = recall(rows, "out_of_scope")
    checks.append(("out-of-scope recall", oos_recall, oos_n, args.oos_min))
    for intent in ("emergency", "crisis", "personal_advice"):
        value, n = recall(rows, intent)
        checks.append((f"{intent} recall", value, n, None))

    failed = False
    for name, value, n, minimum in checks:
        verdict = "" if minimum is None else ("PASS" if value >= minimum else "FAIL")
        bound = "" if minimum is None else f"(>= {minimum:.2f})"
        print(f"{verdict:<5} {name:<24} {value:.3f} on {n} {bound}")
        failed |= verdict == "FAIL"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
