"""NLU parse latency in-process (as `rasa run` loads the model), beside the TF-IDF nearest neighbour."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runtime.settings import ROOT
from tools.bench.load import percentiles
from tools.eval.assistant import load_agent, runtime_label
from tools.eval.baseline import NearestNeighbourBaseline
from tools.eval.data import load_examples

PARSE_WARMUP = 10
SMOKE_PARSE_SAMPLE = 120  # held-out questions parsed in --smoke (every n-th one)
# --- NLU parse latency ----------------------------------------------------------------------------


def timed(predict: Any, texts: Sequence[str]) -> tuple[list[float], list[Any]]:
    latencies, outputs = [], []
    for text in texts:
        start = time.perf_counter()
        outputs.append(predict(text))
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, outputs


def measure_parse(model: Path, smoke: bool) -> dict[str, Any]:
    heldout = load_examples(ROOT / "tests" / "heldout")
    if smoke:
        heldout = heldout[:: max(1, len(heldout) // SMOKE_PARSE_SAMPLE)]
    texts = [example.text for example in heldout]
    labels = [example.label for example in heldout]

    start = time.monotonic()
    agent = load_agent(model)
    load_s = time.monotonic() - start
    loop = asyncio.new_event_loop()
    try:

        def parse(text: str) -> dict[str, Any]:
            return loop.run_until_complete(agent.parse_message(text))

        timed(parse, texts[:PARSE_WARMUP])
        rasa_ms, parsed = timed(parse, texts)
    finally:
        loop.close()

    # The same baseline `make eval` scores (tools/eval/baseline.py), timed one question at a time.
    training = load_examples(ROOT / "data" / "nlu")
    baseline = NearestNeighbourBaseline().fit([e.text for e in training], [e.label for e in training])

    def baseline_label(text: str) -> str:
        return baseline.predict([text])[0][0]

    timed(baseline_label, texts[:PARSE_WARMUP])
    tfidf_ms, predicted = timed(baseline_label, texts)

    rasa_labels = [runtime_label(p)[0] for p in parsed]
    rasa = {**percentiles(rasa_ms), "accuracy": accuracy(rasa_labels, labels)}
    tfidf = {**percentiles(tfidf_ms), "accuracy": accuracy(predicted, labels)}
    return {
        "questions": len(texts),
        "model_load_s": round(load_s, 2),
        "rasa": rasa,
        "tfidf": tfidf,
        "ratio_p50": ratio(rasa["p50_ms"], tfidf["p50_ms"]),
        "ratio_p95": ratio(rasa["p95_ms"], tfidf["p95_ms"]),
    }


def accuracy(predicted: Sequence[str], expected: Sequence[str]) -> float:
    return (
        round(sum(p == e for p, e in zip(predicted, expected, strict=True)) / len(expected), 3)
        if expected
        else 0.0
    )


def ratio(a: float | None, b: float | None, digits: int = 1) -> float | None:
    return round(a / b, digits) if a and b else None
