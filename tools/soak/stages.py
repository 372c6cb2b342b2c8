"""The soak's three stages against running servers, each recording its figures and checks:
load (memory, logs), SIGKILL to both servers with the conversations parked between turns, and the
same conversations after the restart (tickets, outbox, logs)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from runtime.handoff.store import STATUSES, HandoffStore, OutboxItem, Ticket, utcnow
from tools.servers import RunningAssistant
from tools.soak.checks import (
    error_lines,
    growth_percent,
    log_size,
    log_stretch,
    lost,
    outbox_problems,
    ticket_problems,
)
from tools.soak.load import PhaseResult, Users
from tools.soak.memory import MemoryTrace
from tools.soak.receiver import NotificationReceiver
from tools.soak.report import Check
from tools.soak.restart import kill_and_recover

LOGS = ("rasa.log", "actions.log")
POLL_S = 0.5


def log_marks(log_dir: Path) -> dict[str, int]:
    return {name: log_size(log_dir / name) for name in LOGS}


def errors_between(log_dir: Path, start: dict[str, int], end: dict[str, int]) -> dict[str, list[str]]:
    return {name: error_lines(log_stretch(log_dir / name, start[name], end[name])) for name in LOGS}


def stored(store: HandoffStore) -> tuple[dict[str, Ticket], dict[int, OutboxItem]]:
    tickets = {ticket.reference: ticket for ticket in store.list_tickets(STATUSES)}
    rows = {item.id: item for reference in tickets for item in store.outbox_for(reference)}
    return tickets, rows


def settle_outbox(store: HandoffStore, since: datetime, timeout_s: float) -> None:
    """Waits until no row is due and every row made since `since` is delivered (or the timeout)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _, rows = stored(store)
        newer = [row for row in rows.values() if row.created_at >= since]
        if not store.due_outbox() and all(row.status == "delivered" for row in newer):
            return
        time.sleep(POLL_S)


def counts(errors: dict[str, list[str]]) -> str:
    return ", ".join(f"{name} {len(lines)}" for name, lines in errors.items())


def first(problems: list[str]) -> str:
    return f"; {problems[0]}" if problems else ""


@dataclass
class Soak:
    """One run: the servers, the handoff store, the users, and what each stage found."""

    args: argparse.Namespace
    running: RunningAssistant
    store: HandoffStore
    log_dir: Path
    users: Users
    receiver: NotificationReceiver
    result: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    def check(self, name: str, passed: bool, detail: str) -> None:
        self.checks.append(Check(name, passed, detail))

    # --- 1. Load ------------------------------------------------------------------------------------

    async def loaded(self, pids: dict[str, list[int]]) -> tuple[PhaseResult, MemoryTrace]:
        trace = MemoryTrace(pids)
        sampler = asyncio.create_task(trace.follow())
        phase = PhaseResult("load")
        try:
            await self.users.run_phase(self.running.rasa_url, phase, self.args.seconds)
        finally:
            sampler.cancel()
        trace.sample()  # at the end, after the last reply
        return phase, trace

    def load(self, pids: dict[str, list[int]]) -> None:
        start = log_marks(self.log_dir)
        phase, trace = asyncio.run(self.loaded(pids))
        errors = errors_between(self.log_dir, start, log_marks(self.log_dir))
        baseline, end = trace.after(self.args.warm_up), trace.samples[-1][1]
        growth = growth_percent(sum(baseline.values()), sum(end.values()))
        self.result["load"] = phase.summary()
        self.result["memory_mb"] = {
            "after_warm_up": baseline,
            "end": end,
            "peak": trace.peak(),
            "growth_pct": growth,
            "pids": pids,
        }
        self.result["load_errors"] = errors
        self.check(
            "every reply arrived, for its conversation, with the expected content (load)",
            phase.messages > 0 and phase.right == phase.messages,
            f"{phase.right}/{phase.messages} right, {phase.problems} problems",
        )
        self.check(
            f"server memory grew < {self.args.max_growth:g} % after the warm-up",
            growth < self.args.max_growth,
            f"{sum(baseline.values()):.0f} -> {sum(end.values()):.0f} MB ({growth:+.1f} %)",
        )
        self.check(
            "no ERROR lines in rasa.log and actions.log under load", not any(errors.values()), counts(errors)
        )

    # --- 2. SIGKILL to both servers, the conversations parked between turns ----------------------

    def kill(self) -> tuple[Counter[str], dict[str, Ticket], dict[int, OutboxItem], datetime] | None:
        parked = self.users.parked()
        tickets, rows = stored(self.store)
        problems = ticket_problems(self.users.promised, tickets)
        self.check(
            "every reference told under load is a stored ticket of that conversation, and no other",
            not problems,
            f"{len(self.users.promised)} told, {len(tickets)} stored{first(problems)}",
        )
        print(f"Killing both servers ({sum(parked.values())} conversations parked mid-script) ...",
              file=sys.stderr, flush=True)  # fmt: skip
        before = log_marks(self.log_dir)
        killed_at = utcnow()
        restart = kill_and_recover(self.running, self.log_dir, self.args.restart_timeout)
        self.result["restart"] = {
            "killed": restart.killed,
            "restarted": restart.restarted,
            "seconds": restart.seconds,
            "supervisor": list(restart.supervisor_lines),
            "parked_mid_script": dict(parked),
            "kill_window_errors": errors_between(self.log_dir, before, log_marks(self.log_dir)),
        }
        self.check(
            "both servers restarted by the supervisor and healthy again",
            restart.healthy and restart.all_restarted,
            f"{restart.seconds:g} s to /webhooks/health/ 200",
        )
        return (parked, tickets, rows, killed_at) if restart.healthy else None

    # --- 3. The same conversations after the restart -------------------------------------------

    def after(
        self,
        parked: Counter[str],
        tickets_before: dict[str, Ticket],
        rows_before: dict[int, OutboxItem],
        killed_at: datetime,
    ) -> None:
        start = log_marks(self.log_dir)
        phase = PhaseResult("after restart")
        asyncio.run(self.users.run_phase(self.running.rasa_url, phase, self.args.after_seconds))
        errors = errors_between(self.log_dir, start, log_marks(self.log_dir))
        settle_outbox(self.store, killed_at, self.args.outbox_timeout)
        tickets, rows = stored(self.store)
        self.result["after"] = phase.summary()
        self.result["after_errors"] = errors
        resumed, parked_total = sum(phase.resumed.values()), sum(parked.values())
        self.check(
            "every conversation parked mid-script carried on after the restart, context intact",
            parked_total > 0 and resumed == parked_total and phase.right == phase.messages > 0,
            f"{resumed}/{parked_total} finished; {phase.right}/{phase.messages} replies right",
        )
        self.tickets_after(tickets_before, tickets)
        self.outbox_after(rows_before, rows, killed_at)
        self.check("no ERROR lines in the logs after the restart", not any(errors.values()), counts(errors))

    def tickets_after(self, before: dict[str, Ticket], after: dict[str, Ticket]) -> None:
        gone = lost(before, after)
        problems = ticket_problems(self.users.promised, after)
        new = len(after.keys() - before.keys())
        self.result["tickets"] = {
            "before_kill": len(before),
            "after": len(after),
            "new_after_restart": new,
            "lost": gone,
            "problems": problems[:10],
        }
        self.check(
            "every ticket from before the kill is still there",
            not gone and len(before) > 0,
            f"{len(before)} before, {len(gone)} lost",
        )
        self.check(
            "new tickets after the restart, each stored for the conversation told its reference",
            new > 0 and not problems,
            f"{new} new{first(problems)}",
        )

    def outbox_after(
        self, before: dict[int, OutboxItem], after: dict[int, OutboxItem], killed_at: datetime
    ) -> None:
        problems = outbox_problems(before, after, sorted({row.ticket_reference for row in after.values()}))
        newer = [row for row in after.values() if row.created_at >= killed_at]
        undelivered = [row for row in newer if row.status != "delivered"]
        delivered = {row.ticket_reference for row in after.values() if row.status == "delivered"}
        unseen = sorted(delivered - self.receiver.received())
        self.result["outbox"] = {
            "rows_before_kill": len(before),
            "rows_after": len(after),
            "delivered": sum(row.status == "delivered" for row in after.values()),
            "pending_from_before_kill": sum(
                row.status != "delivered" for row in after.values() if row.created_at < killed_at
            ),
            "made_after_restart": len(newer),
            "undelivered_after_restart": len(undelivered),
            "notifications_received": len(self.receiver.references),
            "unsigned": self.receiver.unsigned,
            "problems": problems[:10],
        }
        self.check(
            "outbox: no row lost, every new one delivered, signed, received",
            not problems and not undelivered and not unseen and self.receiver.unsigned == 0,
            f"{len(before)} rows before the kill, {len(after)} now; {len(undelivered)} new undelivered, "
            f"{len(unseen)} not received, {self.receiver.unsigned} unsigned{first(problems)}",
        )
