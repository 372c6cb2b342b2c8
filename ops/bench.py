"""`make bench`: how fast the assistant answers, how much load it takes, and what it costs to run.

Measures, against the real servers started by `ops.servers.assistant` (free ports, a fresh SQLite
tracker store in a temporary directory, no handoff notifiers):

- NLU parse latency in-process (the model loaded once with Agent.load) over the held-out questions
  of tests/heldout/, next to a TF-IDF nearest-neighbour baseline over the training questions;
- end-to-end latency and throughput over POST /webhooks/rest/webhook with 1, 10 and 50 concurrent
  scripted conversations (greet, a catalog question, a follow-up that needs context, a follow-up
  button from the previous answer, thanks), every reply checked against the expected answer text;
- cold start (servers started -> first answered message), training time (--train-time), peak RSS
  of the Rasa server and the action server, and the model file size.

Prints one table with PASS/FAIL lines for the targets (the targets are not assertions) and writes
reports/bench.json. The exit status is 1 only when a reply was wrong or missing.

Usage: python -m ops.bench [--smoke] [--train-time] [--out reports/bench.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import yaml

from ops import servers, settings
from ops.eval_assistant import runtime_label
from ops.eval_baseline import NearestNeighbourBaseline
from ops.eval_data import load_examples
from ops.settings import ROOT

HOST = "127.0.0.1"  # the benchmark only ever talks to the servers it started, on loopback
WEBHOOK = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_S = 30
PARSE_WARMUP = 10

# Targets (printed as PASS/FAIL, never asserted).
TARGET_PARSE_P95_MS = 25.0
TARGET_REST_P95_MS = 150.0
TARGET_REST_P95_CONCURRENCY = 10
TARGET_THROUGHPUT_MSG_S = 50.0
TARGET_THROUGHPUT_CONCURRENCY = 50
TARGET_COLD_START_S = 30.0


@dataclass(frozen=True)
class Level:
    concurrency: int
    conversations: int
    time_cap_s: float


FULL_LEVELS = (Level(1, 20, 90), Level(10, 100, 90), Level(50, 250, 120))
SMOKE_LEVELS = (Level(1, 3, 30), Level(5, 15, 30))  # 3 conversations per simulated user
SMOKE_PARSE_SAMPLE = 120  # held-out questions parsed in --smoke (every n-th one)


# --- Conversation scripts -------------------------------------------------------------------------

BUTTON = None  # a turn that sends a follow-up button payload taken from the previous answer


@dataclass(frozen=True)
class Turn:
    text: str | None  # None: press a follow-up button of the previous answer
    expected: str | None  # the response the reply must contain; None: the button's topic


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[Turn, ...]


def script(
    name: str, greeting: str, question: str, topic: str, follow_up: str, follow_up_topic: str, thanks: str
) -> Script:
    return Script(
        name,
        (
            Turn(greeting, "utter_greet"),
            Turn(question, f"utter_faq/{topic}"),
            Turn(follow_up, f"utter_faq/{follow_up_topic}"),
            Turn(BUTTON, None),
            Turn(thanks, "utter_you_are_welcome"),
        ),
    )


# A follow-up without a subject ("how long is recovery?") is only answerable from context.
SCRIPTS = (
    script(
        "discectomy-recovery",
        "hi there",
        "what is a discectomy",
        "what_is_discectomy",
        "how long is recovery?",
        "discectomy_recovery",
        "thanks",
    ),
    script(
        "microdiscectomy-risks",
        "hello",
        "what is a microdiscectomy",
        "what_is_discectomy",
        "what are the risks?",
        "discectomy_risks",
        "thank you",
    ),
    script(
        "miss-recovery",
        "good morning",
        "what is minimally invasive spine surgery",
        "what_is_miss",
        "how long is recovery?",
        "miss_recovery",
        "thanks a lot",
    ),
    script(
        "explain-discectomy",
        "hey",
        "could you explain what a discectomy actually is",
        "what_is_discectomy",
        "how long is recovery?",
        "discectomy_recovery",
        "cheers",
    ),
)


def load_responses() -> dict[str, list[str]]:
    """Every response's text variants: domain.yml and the curated answers of data/responses/."""
    responses: dict[str, list[str]] = {}
    for path in [ROOT / "domain.yml", *sorted((ROOT / "data" / "responses").glob("*.yml"))]:
        for name, variants in (
            yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
        ).items():
            responses[name] = [v["text"] for v in variants if v.get("text")]
    return responses


def answer_start(text: str, length: int = 60) -> str:
    """The start of a response, before any {placeholder}: what every rendering of it contains."""
    return text.split("{", 1)[0][:length].strip()


def is_answered(reply: Sequence[dict[str, Any]], expected_texts: Sequence[str]) -> bool:
    starts = [answer_start(t) for t in expected_texts]
    return any(s and s in (m.get("text") or "") for m in reply for s in starts)


def button_payload(reply: Sequence[dict[str, Any]], index: int) -> tuple[str, str] | None:
    """(payload, topic) of one follow-up button of the previous answer, chosen by index."""
    buttons = [b for m in reply for b in m.get("buttons") or [] if b.get("payload", "").startswith("/faq{")]
    if not buttons:
        return None
    payload = buttons[index % len(buttons)]["payload"]
    return payload, json.loads(payload[len("/faq") :])["faq_topic"]


# --- Load generation ------------------------------------------------------------------------------


@dataclass
class LevelResult:
    concurrency: int
    conversations: int = 0
    messages: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    duration_s: float = 0.0
    capped: bool = False
    error_examples: list[dict[str, str]] = field(default_factory=list)
    cpu_s: dict[str, float] = field(default_factory=dict)  # CPU time the servers spent on this level

    def error(self, sender: str, sent: str, expected: str, got: str) -> None:
        self.errors += 1
        if len(self.error_examples) < 5:
            self.error_examples.append(
                {"sender": sender, "sent": sent, "expected": expected, "got": got[:160]}
            )

    def summary(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "conversations": self.conversations,
            "messages": self.messages,
            "errors": self.errors,
            **percentiles(self.latencies_ms),
            "throughput_msg_s": round(self.messages / self.duration_s, 1) if self.duration_s else 0.0,
            "duration_s": round(self.duration_s, 2),
            "capped": self.capped,
            "cpu_ms_per_msg": {
                name: round(1000 * seconds / self.messages, 1) if self.messages else None
                for name, seconds in self.cpu_s.items()
            },
            "error_examples": self.error_examples,
        }


def percentiles(samples_ms: Sequence[float]) -> dict[str, float | None]:
    if not samples_ms:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None}
    p50, p95, p99 = np.percentile(np.asarray(samples_ms), [50, 95, 99])
    return {
        "p50_ms": round(float(p50), 2),
        "p95_ms": round(float(p95), 2),
        "p99_ms": round(float(p99), 2),
        "mean_ms": round(float(np.mean(samples_ms)), 2),
    }


async def post_message(session: Any, url: str, sender: str, text: str) -> tuple[float, Any, str | None]:
    """(latency ms, reply or None, error or None) of one message over the REST channel."""
    import aiohttp

    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            if response.status != 200:
                return (time.perf_counter() - start) * 1000, None, f"HTTP {response.status}"
            reply = await response.json()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return (time.perf_counter() - start) * 1000, None, f"{type(error).__name__}: {error}"
    return (time.perf_counter() - start) * 1000, reply, None


async def run_conversation(
    session: Any,
    url: str,
    sender: str,
    chosen: Script,
    index: int,
    responses: dict[str, list[str]],
    result: LevelResult,
) -> None:
    previous: list[dict[str, Any]] = []
    for turn in chosen.turns:
        text, expected = turn.text, turn.expected
        if text is None:
            button = button_payload(previous, index)
            if button is None:
                result.error(sender, "<follow-up button>", "buttons under the previous answer", "no buttons")
                continue
            text, expected = button[0], f"utter_faq/{button[1]}"
        latency_ms, reply, failure = await post_message(session, url, sender, text)
        if failure is not None:
            result.error(sender, text, expected, failure)
            previous = []
            continue
        result.messages += 1
        result.latencies_ms.append(latency_ms)
        if not is_answered(reply, responses.get(expected, [])):
            got = " | ".join((m.get("text") or "<buttons>") for m in reply) or "<no reply>"
            result.error(sender, text, expected, got)
        previous = reply


async def run_level(rasa_url: str, level: Level, responses: dict[str, list[str]], run_id: str) -> LevelResult:
    """`level.concurrency` simulated users, each running conversations one after the other,
    until `level.conversations` were started or the time cap is reached."""
    import aiohttp

    result = LevelResult(level.concurrency)
    url = f"{rasa_url}{WEBHOOK}"
    numbers = itertools.count()
    start = time.monotonic()
    deadline = start + level.time_cap_s

    async def user(session: aiohttp.ClientSession) -> None:
        while True:
            index = next(numbers)
            if index >= level.conversations:
                return
            if time.monotonic() > deadline:
                result.capped = True
                return
            result.conversations += 1
            sender = f"bench-{run_id}-c{level.concurrency}-{index}"
            chosen = SCRIPTS[index % len(SCRIPTS)]
            await run_conversation(session, url, sender, chosen, index, responses, result)

    connector = aiohttp.TCPConnector(limit=level.concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(user(session) for _ in range(level.concurrency)))
    result.duration_s = time.monotonic() - start
    return result


async def first_answer(rasa_url: str, responses: dict[str, list[str]], deadline_s: float) -> bool:
    """Sends "hello" until the greeting comes back (the servers report up before they answer)."""
    import aiohttp

    end = time.monotonic() + deadline_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
        while time.monotonic() < end:
            sender = f"bench-cold-{uuid.uuid4().hex[:8]}"
            _, reply, failure = await post_message(session, f"{rasa_url}{WEBHOOK}", sender, "hello")
            if failure is None and is_answered(reply, responses["utter_greet"]):
                return True
            await asyncio.sleep(0.2)
    return False


async def warm_up(rasa_url: str, responses: dict[str, list[str]], run_id: str) -> LevelResult:
    """Each script once, one after the other: the first predictions of a shape are slow."""
    import aiohttp

    result = LevelResult(concurrency=0)
    start = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
        for index, chosen in enumerate(SCRIPTS):
            result.conversations += 1
            url = f"{rasa_url}{WEBHOOK}"
            await run_conversation(
                session, url, f"bench-{run_id}-warmup-{index}", chosen, index, responses, result
            )
    result.duration_s = time.monotonic() - start
    return result


# --- Processes: which pid listens on a port, and its peak RSS --------------------------------------


def listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on `port` (any address), from /proc/net/tcp and tcp6."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    inodes.add(inode)
    return inodes


def parent_pid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return 0


def descends_from(pid: int, ancestor: int) -> bool:
    with contextlib.suppress(OSError, ValueError):
        while pid > 1:
            pid = parent_pid(pid)
            if pid == ancestor:
                return True
    return False


def pids_listening_on(port: int) -> list[int]:
    """This process's descendants that hold a socket listening on `port`."""
    targets = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not descends_from(int(entry.name), os.getpid()):
            continue
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) in targets for fd in (entry / "fd").iterdir()):
                found.append(int(entry.name))
    return sorted(found)


def status_kb(pid: int, key: str) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    return None


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time the processes used so far (/proc/<pid>/stat utime, stime)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(port: int) -> dict[str, Any]:
    pids = pids_listening_on(port)
    peaks = [kb for kb in (status_kb(pid, "VmHWM") for pid in pids) if kb is not None]
    return {"pids": pids, "peak_mb": round(max(peaks) / 1024, 1) if peaks else None}


# --- NLU parse latency ----------------------------------------------------------------------------


def timed(predict: Any, texts: Sequence[str]) -> tuple[list[float], list[Any]]:
    latencies, outputs = [], []
    for text in texts:
        start = time.perf_counter()
        outputs.append(predict(text))
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, outputs


def measure_parse(model: Path, smoke: bool) -> dict[str, Any]:
    from rasa.core.agent import Agent

    heldout = load_examples(ROOT / "tests" / "heldout")
    if smoke:
        heldout = heldout[:: max(1, len(heldout) // SMOKE_PARSE_SAMPLE)]
    texts = [example.text for example in heldout]
    labels = [example.label for example in heldout]

    start = time.monotonic()
    agent = Agent.load(str(model))
    load_s = time.monotonic() - start
    loop = asyncio.new_event_loop()
    try:

        def parse(text: str) -> dict[str, Any]:
            return loop.run_until_complete(agent.parse_message(text))

        timed(parse, texts[:PARSE_WARMUP])
        rasa_ms, parsed = timed(parse, texts)
    finally:
        loop.close()

    # The same baseline `make eval` scores (ops/eval_baseline.py), timed one question at a time.
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


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 1) if a and b else None


# --- Training time --------------------------------------------------------------------------------


def measure_training(timeout_s: float = 1800) -> dict[str, Any]:
    """Times a forced training into a temporary directory (with its own cache), then deletes it."""
    work = Path(tempfile.mkdtemp(prefix="spine-bench-train-"))
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(work / "cache")}
    command = [
        sys.executable,
        "-m",
        "ops.rasa_cli",
        "train",
        "--force",
        "--out",
        str(work / "models"),
        "--fixed-model-name",
        "bench",
    ]
    start = time.monotonic()
    try:
        completed = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout_s
        )
        seconds = time.monotonic() - start
        if completed.returncode != 0:
            tail = completed.stderr.decode(errors="replace")[-500:]
            return {"seconds": None, "error": f"exit {completed.returncode}: {tail}"}
        return {"seconds": round(seconds, 1), "error": None}
    except subprocess.TimeoutExpired:
        return {"seconds": None, "error": f"did not finish within {timeout_s:.0f}s"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- The run --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def fresh_assistant(work: Path) -> Iterator[tuple[servers.RunningAssistant, int, int]]:
    rasa_port, action_port = free_port(), free_port()
    with servers.assistant(
        RASA_HOST=HOST,
        RASA_PORT=str(rasa_port),
        ACTION_SERVER_HOST=HOST,
        ACTION_SERVER_PORT=str(action_port),
        TRACKER_DB=str(work / "tracker.db"),
        LOG_DIR=str(work / "log"),
        HANDOFF_DB_URL=f"sqlite:///{work / 'handoff.db'}",
        HANDOFF_SLACK_WEBHOOK_URL="",  # a benchmark never notifies staff
        HANDOFF_WEBHOOK_URL="",
        HANDOFF_SMTP_HOST="",
        HANDOFF_EMAIL_TO="",
    ) as running:
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
    return {
        "cold_start_s": cold_start_s,
        "warm_up": warm.summary(),
        "rest": [r.summary() for r in results],
        "peak_rss_mb": memory,
    }


def target_lines(result: dict[str, Any]) -> list[dict[str, Any]]:
    by_level = {r["concurrency"]: r for r in result["rest"]}

    def check(name: str, value: float | None, passed: bool | None, shown: str) -> dict[str, Any]:
        status = "SKIP" if passed is None else "PASS" if passed else "FAIL"
        return {"name": name, "value": value, "status": status, "shown": shown}

    parse_p95 = result["parse"]["rasa"]["p95_ms"]
    lines = [
        check(
            f"NLU parse p95 <= {TARGET_PARSE_P95_MS:g} ms",
            parse_p95,
            None if parse_p95 is None else parse_p95 <= TARGET_PARSE_P95_MS,
            f"{parse_p95} ms",
        )
    ]
    rest = by_level.get(TARGET_REST_P95_CONCURRENCY)
    name = f"REST p95 <= {TARGET_REST_P95_MS:g} ms at {TARGET_REST_P95_CONCURRENCY} concurrent"
    if rest is None or rest["p95_ms"] is None:
        lines.append(check(name, None, None, "not measured"))
    else:
        lines.append(
            check(name, rest["p95_ms"], rest["p95_ms"] <= TARGET_REST_P95_MS, f"{rest['p95_ms']} ms")
        )
    heavy = by_level.get(TARGET_THROUGHPUT_CONCURRENCY)
    name = f">= {TARGET_THROUGHPUT_MSG_S:g} msg/s at {TARGET_THROUGHPUT_CONCURRENCY} concurrent, 0 errors"
    if heavy is None:
        lines.append(check(name, None, None, "not measured"))
    else:
        passed = heavy["throughput_msg_s"] >= TARGET_THROUGHPUT_MSG_S and heavy["errors"] == 0
        shown = f"{heavy['throughput_msg_s']} msg/s, {heavy['errors']} errors"
        lines.append(check(name, heavy["throughput_msg_s"], passed, shown))
    cold = result["cold_start_s"]
    name = f"cold start <= {TARGET_COLD_START_S:g} s"
    lines.append(check(name, cold, False if cold is None else cold <= TARGET_COLD_START_S, f"{cold} s"))
    return lines


def fmt(value: Any, suffix: str = "") -> str:
    return "-" if value is None else f"{value}{suffix}"


def cpu_cell(level: dict[str, Any]) -> str:
    """Server CPU per message, Rasa server + action server: 1000 / this is one core's ceiling."""
    cpu = level.get("cpu_ms_per_msg") or {}
    if cpu.get("rasa_server") is None:
        return "-"
    return f"{cpu['rasa_server']:.0f}+{cpu.get('action_server') or 0:.0f}"


def table(result: dict[str, Any]) -> str:
    parse, machine = result["parse"], result["machine"]
    rows = [
        f"Spine assistant benchmark ({result['mode']}; {machine['cpus']} CPUs, Python {machine['python']}; "
        f"model {result['model']['size_mb']} MB)",
        "",
        f"{'NLU parse in-process (' + str(parse['questions']) + ' held-out questions)':<52}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'accuracy':>10}",
    ]
    for name, key in (("Rasa pipeline", "rasa"), ("TF-IDF nearest neighbour", "tfidf")):
        p = parse[key]
        rows.append(
            f"  {name:<50}{fmt(p['p50_ms']):>9}{fmt(p['p95_ms']):>9}{fmt(p['p99_ms']):>9}{p['accuracy']:>10}"
        )
    ratio_cells = f"{fmt(parse['ratio_p50'], 'x'):>9}{fmt(parse['ratio_p95'], 'x'):>9}"
    rows.append(f"  {'Rasa / TF-IDF':<50}{ratio_cells}")
    rows += [
        "",
        f"REST {WEBHOOK:<34}{'conv':>6}{'msgs':>6}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'msg/s':>8}{'CPU ms/msg':>12}",
    ]
    for r in result["rest"]:
        label = f"{r['concurrency']} concurrent" + (" (time cap)" if r["capped"] else "")
        rows.append(
            f"  {label:<37}{r['conversations']:>6}{r['messages']:>6}{r['errors']:>8}{fmt(r['p50_ms']):>9}"
            f"{fmt(r['p95_ms']):>9}{fmt(r['p99_ms']):>9}{r['throughput_msg_s']:>8}{cpu_cell(r):>12}"
        )
    rows.append("  (CPU ms/msg: Rasa server + action server; one server process uses at most one core)")
    train = result["training"]
    train_text = (
        f"{train['seconds']} s"
        if train.get("seconds") is not None
        else train.get("error") or "not measured (python -m ops.bench --train-time)"
    )
    memory = result["peak_rss_mb"]
    rows += [
        "",
        f"  {'Cold start (servers started -> first answer)':<48}{fmt(result['cold_start_s'], ' s')}",
        f"  {'Training time (rasa train --force)':<48}{train_text}",
        f"  {'Peak RSS, Rasa server':<48}{fmt(memory['rasa_server']['peak_mb'], ' MB')}",
        f"  {'Peak RSS, action server':<48}{fmt(memory['action_server']['peak_mb'], ' MB')}",
        f"  {'Model file':<48}{result['model']['size_mb']} MB",
        f"  {'Model load in-process (Agent.load)':<48}{parse['model_load_s']} s",
        "",
        "Targets",
    ]
    rows += [f"  {t['status']:<5} {t['name']:<56} ({t['shown']})" for t in result["targets"]]
    examples = [e for r in [result["warm_up"], *result["rest"]] for e in r["error_examples"]]
    if examples:
        rows += ["", f"Wrong or missing replies: {result['errors_total']} (first ones below)"]
        rows += [
            f"  {e['sender']}: sent {e['sent']!r}, expected {e['expected']}, got {e['got']!r}"
            for e in examples[:5]
        ]
    return "\n".join(rows)


def quiet_rasa() -> None:
    """The in-process Agent: no library warnings or debug logs in the table."""
    import logging

    from ops.rasa_cli import silence_library_warnings

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
        "--train-time", action="store_true", help="also time a forced training (minutes; not with --smoke)"
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
        print("Timing a forced training (several minutes) ...", file=sys.stderr, flush=True)
        result["training"] = measure_training()
    else:
        result["training"] = {"seconds": None, "error": "skipped (--smoke)" if args.smoke else None}
    result["errors_total"] = result["warm_up"]["errors"] + sum(r["errors"] for r in result["rest"])
    result["targets"] = target_lines(result)

    print(table(result))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {out}")
    return 1 if result["errors_total"] else 0


if __name__ == "__main__":
    sys.exit(main())
