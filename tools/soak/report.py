"""The soak's terminal summary: figures per phase, then one PASS/FAIL line per check."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tools.bench.table import fmt

MAX_SHOWN = 5


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def seconds(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.2f} s"


def phase_lines(title: str, phase: dict[str, Any]) -> list[str]:
    lines = [
        f"{title}: {phase['messages']} messages sent, {phase['checked']} replies checked, "
        f"{phase['problems']} problems",
        f"  latency p50 {seconds(phase['p50_ms'])}, p95 {seconds(phase['p95_ms'])}, "
        f"p99 {seconds(phase['p99_ms'])}; {phase['throughput_msg_s']} msg/s over {phase['duration_s']} s",
        f"  conversations: {phase['conversations_started']} started, "
        f"{phase['conversations_finished']} finished; {phase['tickets']} ticket references told",
    ]
    lines += [
        f"  ! {e['sender']} ({e['script']}) said {e['said']!r}: expected {e['expected']!r}, got {e['got']!r}"
        for e in phase["examples"][:MAX_SHOWN]
    ]
    return lines


def error_line_lines(label: str, errors: dict[str, list[str]]) -> list[str]:
    counts = ", ".join(f"{name} {len(lines)}" for name, lines in errors.items())
    shown = [f"    {name}: {line[:160]}" for name, lines in errors.items() for line in lines[:MAX_SHOWN]]
    return [f"  ERROR lines {label}: {counts}", *shown]


def memory_lines(result: dict[str, Any]) -> list[str]:
    memory = result["memory_mb"]
    start, end, peak = memory["after_warm_up"], memory["end"], memory["peak"]
    by_server = ", ".join(
        f"{name} {start[name]:.0f} -> {end[name]:.0f} (peak {peak[name]:.0f})" for name in end
    )
    return [
        f"  memory (RSS MB) after the {result['warm_up_s']:g} s warm-up -> end: {by_server}; "
        f"total {sum(start.values()):.0f} -> {sum(end.values()):.0f} ({memory['growth_pct']:+.1f} %)"
    ]


def restart_lines(result: dict[str, Any]) -> list[str]:
    restart = result["restart"]
    killed = ", ".join(f"{name} pid {pid}" for name, pid in restart["killed"].items())
    parked = ", ".join(f"{name} {count}" for name, count in sorted(restart["parked_mid_script"].items()))
    lines = [
        f"Kill: SIGKILL to {killed}; healthy again after {restart['seconds']:g} s",
        f"  parked mid-script at the kill: {fmt(parked or None)}",
        *(f"  supervisor: {line}" for line in restart["supervisor"]),
    ]
    return lines + error_line_lines("in the kill window (expected there)", restart["kill_window_errors"])


def store_lines(result: dict[str, Any]) -> list[str]:
    tickets, outbox = result["tickets"], result["outbox"]
    return [
        f"  tickets: {tickets['before_kill']} before the kill, {tickets['after']} now "
        f"({tickets['new_after_restart']} new after the restart, {len(tickets['lost'])} lost)",
        f"  outbox: {outbox['rows_before_kill']} rows before the kill, {outbox['rows_after']} now, "
        f"{outbox['delivered']} delivered ({outbox['pending_from_before_kill']} from before the kill not "
        f"yet); {outbox['notifications_received']} notifications received, {outbox['unsigned']} unsigned",
    ]


def summary(result: dict[str, Any], checks: list[Check]) -> str:
    lines = [
        f"Spine assistant soak: {result['users']} conversations at once for {result['seconds']:g} s "
        f"({result['cpus']} CPUs), then SIGKILL to both servers",
        "",
    ]
    if "load" in result:
        lines += phase_lines("Load", result["load"]) + memory_lines(result)
        lines += error_line_lines("under load", result["load_errors"])
    if "restart" in result:
        lines += ["", *restart_lines(result)]
    if "after" in result:
        lines += ["", *phase_lines("After the restart", result["after"])]
        resumed = ", ".join(f"{name} {n}" for name, n in sorted(result["after"]["resumed_finished"].items()))
        lines += [f"  conversations parked at the kill, resumed and finished: {fmt(resumed or None)}"]
        lines += store_lines(result)
        lines += error_line_lines("after the restart", result["after_errors"])
    lines += ["", "Checks"]
    lines += [f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {c.detail}" for c in checks]
    lines += ["", f"Wall time {result['wall_s']:g} s (server start-up and shutdown included)"]
    return "\n".join(lines)
