"""Loopback ports for the servers the tools and tests start.

Binding port 0 hands out a port from the kernel's ephemeral range, the range outgoing
connections take their local ports from too: between releasing it and the server binding it, a
connection to PostgreSQL or Redis can take it ("address already in use", seen in a cluster test
run). Ports are chosen below that range instead, where no outgoing connection lands.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

HOST = "127.0.0.1"
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
DEFAULT_EPHEMERAL_START = 32768  # Linux's default when the range cannot be read
LISTEN_RANGE_SIZE = 10000
_handed_out: set[int] = set()


def listen_ports() -> range:
    """The LISTEN_RANGE_SIZE ports just below the ephemeral range (22768-32767 on Linux's defaults)."""
    try:
        start = int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        start = DEFAULT_EPHEMERAL_START
    return range(max(1024, start - LISTEN_RANGE_SIZE), start)


def is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A loopback port nothing is bound to, not handed out before by this process."""
    candidates = listen_ports()
    for _ in range(len(candidates)):
        port = random.choice(candidates)
        if port not in _handed_out and is_free(port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"No free loopback port in {candidates.start}-{candidates.stop - 1}")
