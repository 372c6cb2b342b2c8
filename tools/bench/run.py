"""`make bench`: how fast the assistant answers, how much load it takes, and what it costs to run.

Measures, against the real servers started by `tools.servers.assistant` (free ports, a fresh SQLite
tracker store in a temporary directory, no handoff notifiers):

- NLU parse latency in-process (the model loaded once, as `rasa run` loads it) over the held-out questions
  of tests/heldout/, next to a TF-IDF nearest-neighbour baseline over the training questions;
- end-to-end latency and throughput over POST /webhooks/rest/webhook with 1, 10 and 50 concurrent
  scripted conversations (greet, a catalog question, a follow-up that needs context, a follow-up
  button from the previous answer, thanks), every reply checked against the expected answer text;
- the level below the heaviest again while the handoff database is locked by another process and
  other conversations keep asking for a person: its p95 against the unlocked run's (issue #11);
- cold start (servers started -> first answered message), peak RSS of the Rasa server and the
  action server, and the model file size;
- with --train-time, the pipeline's cost beside the one before issue #10 (tools/bench/
  pipeline_cost.py): both trained from scratch and parsing the same questions, as ratios.

Prints one table with PASS/FAIL lines for the targets (the targets are not assertions) and writes
reports/bench.json. The exit status is 1 only when a reply was wrong or missing.

Usage: python -m tools.bench [--smoke] [--train-time] [--out reports/bench.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runtime import settings
from runtime.settings import ROOT
from tools import servers
from tools.bench.conversations import load_responses
from tools.bench.load import FULL_LEVELS, HOST, SMOKE_LEVELS, Level, first_answer, run_level, warm_up
from tools.bench.locked_store import measure_locked_store
from tools.bench.parse_latency import measure_parse
from tools.bench.pipeline_cost import measure_pipeline_cost
from tools.bench.processes import cpu_seconds, peak_rss_mb, pids_listening_on
from tools.bench.table import table, target_lines
from tools.ports import free_port

# --- The run --------------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_assistant(work: Path, **overrides: str) -> Iterator[tuple[servers.RunningAssistant, int, int]]:
    """The servers on free loopback ports with every store, spool and log under `work`; no
    notifier unless `overrides` configures one (the soak points a webhook at a local receiver)."""
    rasa_port, action_port = free_port(), free_port()
    environment = {
        "RASA_HOST": HOST,
        "RASA_PORT": str(rasa_port),
        "ACTION_SERVER_HOST": HOST,
        "ACTION_SERVER_PORT": str(action_port),
        "TRACKER_DB": str(work / "tracker.db"),
        "LOG_DIR": str(work / "log"),
        "HANDOFF_DB_URL": f"sqlite:///{work / 'handoff.db'}",
        "HANDOFF_SPOOL_DIR": str(work / "spool"),
        "HANDOFF_SLACK_WEBHOOK_URL": "",  # a benchmark never notifies staff
        "HANDOFF_WEBHOOK_URL": "",
        "HANDOFF_SMTP_HOST": "",
        "HANDOFF_EMAIL_TO": "",
        # All simulated users come from one address: no per-source ticket limit here.
        "HANDOFF_MAX_TICKETS_PER_SOURCE_PER_HOUR": "1000000",
    }
    with servers.assistant(**{**environment, **overrides}) as running:
        if urlsplit(running.rasa_url).hostname != HOST:
            raise RuntimeError(f"refusing to load {running.rasa_url}: not {HOST}")
        yield running, rasa_port, action_port


def measure_servers(levels: Sequence[Level]) -> dict[str, Any]:
    responses = load_responses()
    run_id = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory(prefix="spine-bench-") as tmp:
        start = time.monotonic()
        with fresh_assistant(Path(tmp)) as (running, rasa_port, action_port):
            answered = asyncio.run(first_answer(running.rasa_url, responses, deadline_s=60))
            cold_start_s = round(time.monotonic() - start, 2) if answered else None
            warm = asyncio.run(warm_up(running.rasa_url, responses, run_id))
            pids = {
                "rasa_server": pids_listening_on(rasa_port),
                "action_server": pids_listening_on(action_port),
            }
            results = []
            for level in levels:
                before = {name: cpu_seconds(p) for name, p in pids.items()}
                result = asyncio.run(run_level(running.rasa_url, level, responses, run_id))
                result.cpu_s = {name: cpu_seconds(p) - before[name] for name, p in pids.items()}
                results.append(result)
                print(f"  ... {level.concurrency} concurrent done", file=sys.stderr, flush=True)
            memory = {"rasa_server": peak_rss_mb(rasa_port), "action_server": peak_rss_mb(action_port)}
            # The level below the heaviest: the target is about p95, not about saturating 2 cores.
            index = max(len(levels) - 2, 0)
            compared = results[index]
            locked = measure_locked_store(
                running.rasa_url, Path(tmp) / "handoff.db", levels[index], responses, run_id
            )
            print("  ... the same load with the handoff store locked done", file=sys.stderr, flush=True)
    return {
        "cold_start_s": cold_start_s,
        "warm_up": warm.summary(),
        "rest": [r.summary() for r in results],
        "locked_store": {**locked, "unlocked_p95_ms": compared.summary()["p95_ms"]},
        "peak_rss_mb": memory,
    }


def quiet_rasa() -> None:
    """The in-process Agent: no library warnings or debug logs in the table."""
    import logging

    from runtime.rasa_cli import silence_library_warnings

    silence_library_warnings()
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl", "sanic", "asyncio"):
        logging.getLogger(name).setLevel(logging.ERROR)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few seconds of load (1 and 5 concurrent)")
    parser.add_argument(
        "--train-time",
        action="store_true",
        help="also train and parse with today's pipeline and the one before #10, side by side (~20 min)",
    )
    parser.add_argument("--out", type=Path, default=Path("reports/bench.json"))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = args.out.resolve()  # relative to where it was asked for, before the chdir below
    settings.load()
    os.chdir(ROOT)  # the model names the spaCy pipeline by a path relative to the project
    quiet_rasa()
    model = settings.path("RASA_MODEL")

    print("Measuring NLU parse latency in-process ...", file=sys.stderr, flush=True)
    result: dict[str, Any] = {
        "mode": "smoke" if args.smoke else "full",
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "model": {
            "path": str(model.relative_to(ROOT) if model.is_relative_to(ROOT) else model),
            "size_mb": round(model.stat().st_size / 1e6, 1),
        },
        "parse": measure_parse(model, args.smoke),
    }
    print("Starting the servers and sending conversations ...", file=sys.stderr, flush=True)
    result.update(measure_servers(SMOKE_LEVELS if args.smoke else FULL_LEVELS))
    if args.train_time and not args.smoke:
        print("Training and parsing with both pipelines (about 20 minutes) ...", file=sys.stderr, flush=True)
        result["pipeline_cost"] = measure_pipeline_cost()
    else:
        result["pipeline_cost"] = {"error": "skipped (--smoke)" if args.smoke else None}
    result["errors_total"] = (
        result["warm_up"]["errors"]
        + sum(r["errors"] for r in result["rest"])
        + result["locked_store"]["errors"]
    )
    result["targets"] = target_lines(result)

    print(table(result))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {out}")
    return 1 if result["errors_total"] else 0


if __name__ == "__main__":
    sys.exit(main())
