"""Which process listens on a port, and its CPU time and peak memory (from /proc)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
