"""The fault: SIGKILL to both servers at once, then waiting for the supervisor to restart them
(supervisor.log says so) and for /webhooks/health/ to answer 200 again."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tools.servers import RunningAssistant
from tools.soak.checks import log_size, log_stretch

POLL_S = 0.5


@dataclass(frozen=True)
class Restart:
    killed: dict[str, int]  # server -> the pid that got SIGKILL
    restarted: dict[str, int]  # server -> its pid afterwards
    seconds: float  # from the kill to healthy again (or to the timeout)
    supervisor_lines: tuple[str, ...]
    healthy: bool

    @property
    def all_restarted(self) -> bool:
        return all(self.restarted[name] != pid for name, pid in self.killed.items())


def healthy(rasa_url: str) -> bool:
    try:
        return requests.get(f"{rasa_url}/webhooks/health/", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def kill_and_recover(running: RunningAssistant, log_dir: Path, timeout_s: float) -> Restart:
    supervisor_log = log_dir / "supervisor.log"
    mark = log_size(supervisor_log)
    # The lines tools/servers.py's Supervisor writes once it has started a server again.
    restarted_lines = [f"The {server.name} was restarted" for server in running.servers.values()]
    killed = {name: server.pid for name, server in running.servers.items()}
    start = time.monotonic()
    for pid in killed.values():
        os.kill(pid, signal.SIGKILL)
    back = False
    while not back and time.monotonic() - start < timeout_s:
        time.sleep(POLL_S)
        noted = log_stretch(supervisor_log, mark)
        back = all(line in noted for line in restarted_lines) and healthy(running.rasa_url)
    return Restart(
        killed=killed,
        restarted={name: server.pid for name, server in running.servers.items()},
        seconds=round(time.monotonic() - start, 1),
        supervisor_lines=tuple(log_stretch(supervisor_log, mark).splitlines()),
        healthy=back,
    )
