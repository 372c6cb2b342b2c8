"""`make soak`: many conversations at once against the real servers, every reply checked by content;
memory and logs watched; then both servers killed with SIGKILL and the conversations carried on.

1. The action server and the Rasa server start as `make run` starts them (`tools/servers.py`, via
   the benchmark's `fresh_assistant`): free loopback ports, stores, spool and logs in a temporary
   directory, the signed webhook notifier pointed at a local receiver so the outbox works.
2. Load: --users simulated users for --seconds, each sending its conversation's next message only
   after the reply to the previous one (data/soak/conversations.yml). A reply must arrive, be
   addressed to its conversation and contain that turn's texts (the callback summary: the
   conversation's own name and phone number). RSS of both servers after --warm-up seconds and at
   the end; ERROR lines in rasa.log and actions.log over the whole phase.
3. Every user stops after its current turn; tickets and outbox rows are read; both servers get
   SIGKILL; the supervisor restarts them; /webhooks/health/ answers 200 again.
4. After the restart: every conversation parked mid-script is taken to its end (the callback form
   asks its next question, the summary still holds its name), new ones start for --after-seconds.
   Every ticket and outbox row from before is still there, new tickets are stored and notified.

Prints a summary, writes --out (JSON), and exits 1 if any check failed.
Usage: python -m tools.soak [--users 200] [--seconds 60] [--warm-up 15] [--after-seconds 30]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from runtime import settings
from runtime.handoff.store import HandoffStore
from runtime.settings import ROOT
from tools.bench.processes import pids_listening_on
from tools.bench.run import fresh_assistant
from tools.soak import script
from tools.soak.load import Users
from tools.soak.receiver import NotificationReceiver
from tools.soak.report import Check, summary
from tools.soak.stages import Soak

DEFAULT_WARM_UP_S = 15


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="conversations at once (default 200)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the load phase (default 60)")
    parser.add_argument(
        "--warm-up",
        type=float,
        help="seconds of load before the memory baseline (default 15, at most a quarter of --seconds)",
    )
    parser.add_argument(
        "--after-seconds", type=float, help="load after the restart (default: half of --seconds)"
    )
    parser.add_argument(
        "--restart-timeout", type=float, default=150, help="seconds to come back (default 150)"
    )
    parser.add_argument("--outbox-timeout", type=float, default=30, help="seconds to deliver (default 30)")
    parser.add_argument(
        "--max-growth", type=float, default=10.0, help="memory growth limit in %% (default 10)"
    )
    parser.add_argument("--work", type=Path, help="keep the logs and databases here (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=Path("reports/soak.json"))
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a server setting for this run (repeatable), e.g. to try a fix",
    )
    args = parser.parse_args(argv)
    if any("=" not in item for item in args.set):
        parser.error("--set takes KEY=VALUE")
    if args.after_seconds is None:
        args.after_seconds = args.seconds / 2
    if args.warm_up is None:
        args.warm_up = min(DEFAULT_WARM_UP_S, args.seconds / 4)
    if args.users < 1 or args.seconds <= 0 or not 0 <= args.warm_up < args.seconds:
        parser.error("need --users >= 1, --seconds > 0 and 0 <= --warm-up < --seconds")
    return args


@contextlib.contextmanager
def work_dir(chosen: Path | None) -> Iterator[Path]:
    if chosen is not None:
        chosen.mkdir(parents=True, exist_ok=True)
        yield chosen.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="spine-soak-") as tmp:
        yield Path(tmp)


def run(args: argparse.Namespace, work: Path) -> tuple[dict[str, Any], list[Check]]:
    secret = secrets.token_hex(16)  # made up for this run: the receiver checks every signature
    with (
        NotificationReceiver(secret) as receiver,
        fresh_assistant(
            work,
            HANDOFF_WEBHOOK_URL=receiver.url,
            HANDOFF_WEBHOOK_SECRET=secret,
            HANDOFF_OUTBOX_INTERVAL_SECONDS="0.5",
            # 200 users on 2 cores queue for SQLite's write lock longer than the 1 s a patient
            # may wait: such tickets would go to the spool (tested in test_faults.py), and this
            # run checks every ticket's reference, so it lets ticket writes wait.
            HANDOFF_DB_LOCK_TIMEOUT_SECONDS="15",
            # Likewise the action calls of the burst right after the restart: on a slow 2-core
            # machine some waited longer than the 10 s a patient may wait and were answered
            # without the action server (tested in test_faults.py), which this run's checks of
            # every reply and reference would count as lost.
            ACTION_SERVER_TIMEOUT_SECONDS="30",
            **dict(item.split("=", 1) for item in args.set),
        ) as (running, rasa_port, action_port),
    ):
        soak = Soak(
            args,
            running,
            HandoffStore(f"sqlite:///{work / 'handoff.db'}"),
            work / "log",
            Users(script.load(), args.users, uuid.uuid4().hex[:6]),
            receiver,
            {"users": args.users, "seconds": args.seconds, "warm_up_s": args.warm_up, "settings": args.set},
        )
        pids = {"rasa": pids_listening_on(rasa_port), "actions": pids_listening_on(action_port)}
        print(f"Servers up; {args.users} users for {args.seconds:g} s ...", file=sys.stderr, flush=True)
        soak.load(pids)
        killed = soak.kill()
        if killed is not None:
            soak.after(*killed)
    return soak.result, soak.checks


def main(argv: Sequence[str] | None = None) -> int:
    started = time.monotonic()
    args = parse_args(argv)
    out = args.out.resolve()  # relative to where it was asked for, before the chdir below
    settings.load()
    os.chdir(ROOT)  # the model names the spaCy pipeline by a path relative to the project
    with work_dir(args.work) as work:
        result, checks = run(args, work)
    result["wall_s"] = round(time.monotonic() - started, 1)
    result["cpus"] = os.cpu_count()
    result["checks"] = [check.as_dict() for check in checks]
    print(summary(result, checks))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {out}")
    return 0 if checks and all(check.passed for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
