"""`make bench-cluster`: two Rasa servers against one, side by side in one run (issue #12).

Starts the cluster of `make cluster` (tools/cluster/) in a temporary folder and sends the
scripted conversations of `make bench`:

- 50 concurrent conversations to Rasa server 1 alone (its own port), then the same through nginx
  to both: the throughput ratio, 2 instances vs 1;
- through nginx, 1 and 10 concurrent: p95 at 10 against single-user p95;
- the Rasa servers' CPU per message (from /proc) against the NLU parse cost measured in-process
  on the same machine in the same run;
- a py-spy profile of Rasa server 1 under the two-instance load: the functions that take its time.

Prints the table in `make bench`'s format with PASS/FAIL lines (targets, not assertions) and
writes reports/bench-cluster.json. Exit status 1 only when a reply was wrong or missing.

Usage: python -m tools.bench.cluster [--out reports/bench-cluster.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from runtime import settings
from runtime.settings import ROOT
from tools.bench.conversations import load_responses
from tools.bench.load import Level, LevelResult, run_level, warm_up
from tools.bench.parse_latency import measure_parse
from tools.bench.processes import cpu_seconds
from tools.bench.run import quiet_rasa
from tools.bench.table import fmt
from tools.cluster.topology import Cluster, running
from tools.ports import free_port

HEAVY = Level(50, 150, 120)
LIGHT = (Level(1, 10, 60), Level(10, 50, 90))
TARGET_SCALING = 1.7
TARGET_CPU_PER_PARSE = 1.5
TARGET_P95_RATIO = 4.0
PROFILE_SECONDS = 20
PROFILE_TOP = 12


def measured(
    cluster: Cluster, url: str, level: Level, responses: dict[str, list[str]], run: str
) -> LevelResult:
    groups = {"rasa_server": [s.pid for s in cluster.rasa], "action_server": [s.pid for s in cluster.actions]}
    before = {name: cpu_seconds(pids) for name, pids in groups.items()}
    result = asyncio.run(run_level(url, level, responses, run))
    result.cpu_s = {name: cpu_seconds(pids) - before[name] for name, pids in groups.items()}
    print(f"  ... {run} done", file=sys.stderr, flush=True)
    return result


def py_spy() -> Path:
    return Path(sys.executable).parent / "py-spy"


def profile_while(pid: int, output: Path) -> subprocess.Popen:
    """py-spy sampling one Rasa server for PROFILE_SECONDS, as collapsed stacks (its --format raw)."""
    command = [str(py_spy()), "record", "--pid", str(pid), "--duration", str(PROFILE_SECONDS)]
    command += ["--format", "raw", "--output", str(output), "--nonblocking", "--rate", "50"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


FRAME = re.compile(r"([^;\s]+) \(([^:();]+):\d+\)")
# Frames on the stack of every request (the server, the event loop, the REST handler): above
# this share a frame says nothing about where the time goes.
COMMON_SHARE = 0.8


def package(path: str) -> str:
    """tensorflow, sqlalchemy, rasa, runtime ... (the project's modules have relative paths)."""
    return path.rsplit("site-packages/", 1)[-1].split("/", 1)[0].removesuffix(".py")


def profile_summary(collapsed: Path) -> dict[str, list[dict[str, Any]]]:
    """From py-spy's collapsed stacks: the share of samples spent in each package's own code
    (the innermost frame), and the functions below the request handler that are on the stack
    the most (inclusive)."""
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = FRAME.findall(stack)
        if not count.isdigit() or not frames:
            continue
        samples = int(count)
        total += samples
        own[package(frames[-1][1])] += samples
        for frame in {f"{function} ({path.rsplit('site-packages/', 1)[-1]})" for function, path in frames}:
            inclusive[frame] += samples

    def shares(counter: Counter, keep: Any) -> list[dict[str, Any]]:
        rows = [(name, n / total) for name, n in counter.most_common() if keep(n / total)]
        return [{"name": name, "share": round(share, 3)} for name, share in rows[:PROFILE_TOP]]

    return {
        "own_time_by_package": shares(own, lambda share: True),
        "functions": shares(inclusive, lambda share: share < COMMON_SHARE),
    }


def measure(responses: dict[str, list[str]], work: Path) -> dict[str, Any]:
    run = uuid.uuid4().hex[:6]
    with running(work, free_port()) as cluster:
        asyncio.run(warm_up(cluster.rasa_urls[0], responses, f"{run}-warm-1"))
        asyncio.run(warm_up(cluster.rasa_urls[1], responses, f"{run}-warm-2"))
        single = measured(cluster, cluster.rasa_urls[0], HEAVY, responses, f"{run}-one-instance-50")
        profiler = profile_while(cluster.rasa[0].pid, work / "profile.txt")
        double = measured(cluster, cluster.url, HEAVY, responses, f"{run}-two-instances-50")
        profiler.wait()
        light = [
            measured(cluster, cluster.url, level, responses, f"{run}-two-instances-{level.concurrency}")
            for level in LIGHT
        ]
    profile = profile_summary(work / "profile.txt") if (work / "profile.txt").exists() else {}
    return {
        "one_instance": single.summary(),
        "two_instances": double.summary(),
        "light": [r.summary() for r in light],
        "profile": profile,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    one, two = result["one_instance"], result["two_instances"]
    scaling = ratio(two["throughput_msg_s"], one["throughput_msg_s"])
    per_message = two["cpu_ms_per_msg"]["rasa_server"]
    parse_ms = result["parse"]["rasa"]["mean_ms"]
    cpu_ratio = ratio(per_message, parse_ms)
    single_p95, ten_p95 = result["light"][0]["p95_ms"], result["light"][1]["p95_ms"]
    p95_ratio = ratio(ten_p95, single_p95)

    def line(name: str, value: float | None, target: float, at_least: bool, shown: str) -> dict[str, Any]:
        passed = None if value is None else (value >= target if at_least else value <= target)
        return {
            "name": name,
            "value": value,
            "status": {None: "SKIP", True: "PASS", False: "FAIL"}[passed],
            "shown": shown,
        }

    scaling_shown = f"{scaling}x: {two['throughput_msg_s']} vs {one['throughput_msg_s']} msg/s"
    return [
        line(f"throughput at 50 concurrent, 2 instances / 1 >= {TARGET_SCALING}x",
             scaling, TARGET_SCALING, True, scaling_shown),
        line(f"Rasa CPU per message <= {TARGET_CPU_PER_PARSE}x NLU parse",
             cpu_ratio, TARGET_CPU_PER_PARSE, False, f"{cpu_ratio}x: {per_message} vs {parse_ms} ms"),
        line(f"p95 at 10 concurrent <= {TARGET_P95_RATIO:g}x single-user p95",
             p95_ratio, TARGET_P95_RATIO, False, f"{p95_ratio}x: {ten_p95} vs {single_p95} ms"),
    ]  # fmt: skip


def table(result: dict[str, Any]) -> str:
    machine = result["machine"]
    rows = [
        f"Spine assistant cluster benchmark ({machine['cpus']} CPUs, load average {machine['load_average']}; "
        "2 Rasa + 2 action servers, PostgreSQL, Redis, nginx)",
        "",
        f"{'REST /webhooks/rest/webhook':<40}{'conv':>6}{'msgs':>6}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'msg/s':>8}{'CPU ms/msg':>12}",
    ]
    levels = [("1 instance, ", result["one_instance"]), ("2 instances, ", result["two_instances"])]
    levels += [("2 instances, ", light) for light in result["light"]]
    for prefix, r in levels:
        label = f"{prefix}{r['concurrency']} concurrent" + (" (cap)" if r["capped"] else "")
        cpu = r["cpu_ms_per_msg"]
        cell = f"{fmt(cpu['rasa_server'])}+{fmt(cpu['action_server'])}"
        rows.append(
            f"  {label:<38}{r['conversations']:>6}{r['messages']:>6}{r['errors']:>8}{fmt(r['p50_ms']):>9}"
            f"{fmt(r['p95_ms']):>9}{fmt(r['p99_ms']):>9}{r['throughput_msg_s']:>8}{cell:>12}"
        )
    rows.append("  (CPU ms/msg: all Rasa servers + all action servers, per message answered)")
    parse = result["parse"]["rasa"]
    rows += ["", f"  {'NLU parse in-process, mean / p95':<48}{parse['mean_ms']} / {parse['p95_ms']} ms", ""]
    rows.append(
        f"Profile of Rasa server 1 under the 2-instance load (py-spy, {PROFILE_SECONDS} s, share of samples)"
    )
    for title, key in (("own code, by package", "own_time_by_package"), ("on the stack", "functions")):
        rows.append(f"  {title}:")
        rows += [f"    {p['share'] * 100:5.1f} %  {p['name']}" for p in result["profile"].get(key, [])]
    rows += ["", "Targets"]
    rows += [f"  {t['status']:<5} {t['name']:<58} ({t['shown']})" for t in result["targets"]]
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("reports/bench-cluster.json"))
    args = parser.parse_args(argv)
    out = args.out.resolve()
    settings.load()
    os.chdir(ROOT)
    quiet_rasa()
    print("Measuring NLU parse cost in-process ...", file=sys.stderr, flush=True)
    parse = measure_parse(settings.path("RASA_MODEL"), smoke=True)
    print("Starting the cluster and sending conversations ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as work:
        measured_levels = measure(load_responses(), Path(work))
    result: dict[str, Any] = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": round(os.getloadavg()[0], 1),
        },
        "parse": parse,
        **measured_levels,
    }
    result["targets"] = targets(result)
    levels = [result["one_instance"], result["two_instances"], *result["light"]]
    result["errors_total"] = sum(level["errors"] for level in levels)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nWrote {out}")
    return 1 if result["errors_total"] else 0


if __name__ == "__main__":
    sys.exit(main())
