"""How many tickets one source may ask for (issue #11): a script posting "I can't feel my legs"
from many made-up conversations must not flood the clinic's queue with urgent tickets.

The source is the client's address as the channel recorded it (message metadata `source`);
Slack and Telegram users are authenticated by their platform and have none, so only the
per-conversation limit of the store applies to them. Counted in this process: each action
server instance of a cluster keeps its own count.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

WINDOW_SECONDS = 3600.0


class SourceLimiter:
    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self._requests: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, source: str | None, now: float | None = None) -> bool:
        """Counts this request; False when the source already made `per_hour` in the last hour."""
        if not source:
            return True
        moment = time.monotonic() if now is None else now
        with self._lock:
            recent = self._requests[source]
            while recent and recent[0] <= moment - WINDOW_SECONDS:
                recent.popleft()
            if len(recent) >= self.per_hour:
                return False
            recent.append(moment)
            return True
