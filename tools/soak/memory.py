"""The servers' resident memory (VmRSS from /proc), sampled while the load runs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tools.bench.processes import status_kb

SAMPLE_INTERVAL_S = 1.0


def rss_mb(pids: Sequence[int]) -> float:
    return round(sum(status_kb(pid, "VmRSS") or 0 for pid in pids) / 1024, 1)


@dataclass
class MemoryTrace:
    """RSS in MB by server ("rasa", "actions") over seconds since `start`."""

    pids: Mapping[str, Sequence[int]]
    start: float = field(default_factory=time.monotonic)
    samples: list[tuple[float, dict[str, float]]] = field(default_factory=list)

    def sample(self) -> dict[str, float]:
        taken = {name: rss_mb(pids) for name, pids in self.pids.items()}
        self.samples.append((time.monotonic() - self.start, taken))
        return taken

    async def follow(self, interval: float = SAMPLE_INTERVAL_S) -> None:
        """Samples until cancelled."""
        while True:
            self.sample()
            await asyncio.sleep(interval)

    def after(self, seconds: float) -> dict[str, float]:
        """The first sample taken at or after `seconds` (the last one if none was)."""
        return next((taken for at, taken in self.samples if at >= seconds), self.samples[-1][1])

    def peak(self) -> dict[str, float]:
        return {name: max(taken[name] for _, taken in self.samples) for name in self.pids}
