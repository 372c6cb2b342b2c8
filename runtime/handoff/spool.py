"""A durable local spool for handoff tickets the store cannot take right now (locked, down).

Each waiting ticket is one JSON file, written to a temporary name, fsync'd, renamed into place
and the directory fsync'd: once `keep` returns, a crash or a power cut does not lose it. The
outbox worker calls `replay` on every round, which writes the waiting tickets to the store in
the order they came and deletes each file only after its ticket is stored.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SUFFIX = ".json"
REJECTED_SUFFIX = ".rejected"
CLAIMED_SUFFIX = ".replaying"
STALE_CLAIM_SECONDS = 300  # far longer than storing one ticket takes


@dataclass(frozen=True)
class TicketRequest:
    """Everything `HandoffStore.create_or_update` needs, as plain JSON-able values."""

    conversation_id: str
    channel: str
    reason: str
    priority: str
    transcript: list[dict[str, str]]
    contact: dict[str, Any] | None = None
    notifier_names: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TicketRequest:
        return cls(**{**data, "notifier_names": tuple(data.get("notifier_names") or ())})


class TicketSpool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def keep(self, request: TicketRequest) -> Path:
        """Stores the request durably; raises OSError when even that is impossible."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Time first: replay keeps arrival order. The random part keeps names unique.
        name = f"{time.time_ns():020d}-{secrets.token_hex(4)}"
        temporary = self.directory / f".{name}.tmp"
        final = self.directory / f"{name}{SUFFIX}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(request), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return final

    def waiting(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        # A worker killed between claiming a file and storing it left it claimed: release it.
        for claimed in self.directory.glob(f"*{CLAIMED_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):  # another worker finished it meanwhile
                if time.time() - claimed.stat().st_mtime > STALE_CLAIM_SECONDS:
                    claimed.rename(claimed.with_suffix(SUFFIX))
        return sorted(self.directory.glob(f"*{SUFFIX}"))

    def replay(self, store_ticket: Callable[[TicketRequest], object]) -> int:
        """Stores the waiting tickets, oldest first; stops at the first failure (the store is
        still unavailable) and leaves that file and the later ones for the next round.

        A file is renamed before it is stored, so two workers on one spool never store it twice."""
        stored = 0
        for path in self.waiting():
            claimed = path.with_suffix(CLAIMED_SUFFIX)
            try:
                path.rename(claimed)
            except FileNotFoundError:  # another worker took it
                continue
            try:
                request = TicketRequest.from_json(json.loads(claimed.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                # Not a request this code can store: set aside for staff, never retried forever.
                claimed.rename(path.with_suffix(REJECTED_SUFFIX))
                log.error("Handoff spool: %s is not a ticket request; kept as %s", path.name, REJECTED_SUFFIX)
                continue
            try:
                store_ticket(request)
            except BaseException:
                claimed.rename(path)
                raise
            claimed.unlink()
            stored += 1
        if stored:
            log.info("Handoff spool: %d waiting ticket(s) stored", stored)
        return stored
