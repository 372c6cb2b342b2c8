"""`make bench`: the smoke run starts its own servers, answers every scripted message, writes its report."""

from __future__ import annotations

import json
import subprocess
import sys

from runtime.settings import ROOT

KEYS = {
    "mode",
    "machine",
    "model",
    "parse",
    "cold_start_s",
    "warm_up",
    "rest",
    "peak_rss_mb",
    "pipeline_cost",
    "targets",
    "errors_total",
}


def test_smoke_benchmark_answers_every_message_and_writes_its_report(tmp_path):
    out = tmp_path / "reports" / "bench.json"  # not the repo's reports/bench.json of the last full run
    completed = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "Targets" in completed.stdout and "REST /webhooks/rest/webhook" in completed.stdout

    result = json.loads(out.read_text())
    assert result.keys() >= KEYS
    assert result["mode"] == "smoke" and result["errors_total"] == 0
    assert [level["concurrency"] for level in result["rest"]] == [1, 5]
    for level in [result["warm_up"], *result["rest"]]:
        assert level["errors"] == 0
        assert level["messages"] == 5 * level["conversations"] > 0
    assert {"p50_ms", "p95_ms", "p99_ms", "accuracy"} <= result["parse"]["rasa"].keys()
    assert {"p50_ms", "p95_ms", "p99_ms", "accuracy"} <= result["parse"]["tfidf"].keys()
    assert result["peak_rss_mb"]["rasa_server"]["pids"] and result["peak_rss_mb"]["action_server"]["pids"]
    assert result["model"]["size_mb"] > 0 and result["cold_start_s"] > 0
    assert {t["status"] for t in result["targets"]} <= {"PASS", "FAIL", "SKIP"}
