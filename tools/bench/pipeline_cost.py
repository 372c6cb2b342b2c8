"""What the NLU pipeline costs beside the one before issue #10 (tools/bench/baseline_config.yml),
measured in one run on one machine: both trained from scratch one after the other (each forced,
with its own cache), then the same questions (the held-out set and the real patients' dev set)
parsed by both models in one process, alternating, so that a busy machine slows both alike.
The issue's targets: parse p95 at most 2x, training no slower (1x)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

from runtime.nlu.sentence_encoder import forget_encoded_texts
from runtime.settings import ROOT
from tools.bench.load import percentiles
from tools.bench.parse_latency import PARSE_WARMUP, ratio, timed
from tools.bench.training import CONFIG, forced_training
from tools.eval.assistant import load_agent
from tools.eval.data import load_examples
from tools.eval.devset import DEVSET, load_devset

BASELINE_CONFIG = ROOT / "tools" / "bench" / "baseline_config.yml"
PIPELINES = {"before #10": BASELINE_CONFIG, "now": CONFIG}


def questions() -> list[str]:
    return [e.text for e in load_examples(ROOT / "tests" / "heldout")] + [
        e.text for e in load_devset(ROOT / DEVSET)
    ]


def measure_pipeline_cost() -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="spine-bench-pipelines-"))
    try:
        trained = {
            name: forced_training(work / str(n), config) for n, (name, config) in enumerate(PIPELINES.items())
        }
        errors = {name: t["error"] for name, t in trained.items() if t["error"]}
        if errors:
            return {"error": "; ".join(f"{name}: {error}" for name, error in errors.items())}
        agents = {name: load_agent(t["model"]) for name, t in trained.items()}
        texts = questions()
        loop = asyncio.new_event_loop()
        try:
            parsers = {
                name: lambda text, a=agent: loop.run_until_complete(a.parse_message(text))
                for name, agent in agents.items()
            }
            for parse in parsers.values():
                timed(parse, texts[:PARSE_WARMUP])
            latencies: dict[str, list[float]] = {name: [] for name in parsers}
            for text in texts:  # alternating, one question at a time
                for name, parse in parsers.items():
                    forget_encoded_texts()  # the models share the encoder; each pays for its own
                    [ms], _ = timed(parse, [text])
                    latencies[name].append(ms)
        finally:
            loop.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    before, now = PIPELINES
    parse = {name: percentiles(ms) for name, ms in latencies.items()}
    training_s = {name: t["seconds"] for name, t in trained.items()}
    return {
        "error": None,
        "questions": len(texts),
        "training_s": training_s,
        "training_ratio": ratio(training_s[now], training_s[before], digits=2),
        "parse": parse,
        "parse_p95_ratio": ratio(parse[now]["p95_ms"], parse[before]["p95_ms"], digits=2),
        "parse_p50_ratio": ratio(parse[now]["p50_ms"], parse[before]["p50_ms"], digits=2),
    }
