"""Sends the outbox: every pending notification, retried with exponential backoff.

The action server starts one background worker per process (`start_background_worker()`);
`python -m runtime.handoff.outbox` runs the same loop in the foreground, e.g. as its own service.
Two workers on one database do not send a row twice: each row is leased before it is sent.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta

from runtime.handoff.intake import replay_spool, spool
from runtime.handoff.notifiers import Notifier, configured_notifiers
from runtime.handoff.settings import load_settings
from runtime.handoff.store import HandoffStore, OutboxItem, utcnow

log = logging.getLogger(__name__)

# Longer than a notifier's own timeouts (10 s), so a slow send is not picked up again meanwhile.
LEASE_SECONDS = 120


def deliver_due(
    store: HandoffStore,
    notifiers: Mapping[str, Notifier],
    now: datetime | None = None,
    *,
    max_attempts: int | None = None,
    retry_base_seconds: float | None = None,
) -> int:
    """Attempts every due outbox row once, records each attempt; returns how many were delivered."""
    if max_attempts is None or retry_base_seconds is None:
        configured = load_settings()
        max_attempts = configured.max_attempts if max_attempts is None else max_attempts
        retry_base_seconds = (
            configured.retry_base_seconds if retry_base_seconds is None else retry_base_seconds
        )
    moment = now or utcnow()
    delivered = 0
    for item in store.due_outbox(moment):
        if not store.lease(item.id, moment, moment + timedelta(seconds=LEASE_SECONDS)):
            continue  # another worker has it
        error = attempt(store, item, notifiers)
        recorded = store.record_attempt(
            item.id, error is None, error, moment, max_attempts, retry_base_seconds
        )
        log_outcome(recorded)
        delivered += recorded.status == "delivered"
    return delivered


def attempt(store: HandoffStore, item: OutboxItem, notifiers: Mapping[str, Notifier]) -> str | None:
    """Sends one row; None on success, else the error to record."""
    notifier = notifiers.get(item.notifier)
    if notifier is None:
        return f"Notifier {item.notifier!r} is no longer configured; check the HANDOFF_* settings"
    try:
        notifier.send(store.get(item.ticket_reference))
    except Exception as error:  # any failure is one failed attempt; the row is retried later
        return str(error) or type(error).__name__
    return None


def log_outcome(item: OutboxItem) -> None:
    where = (item.ticket_reference, item.notifier)
    if item.status == "delivered":
        log.info("Handoff %s: %s notification delivered", *where)
    elif item.status == "failed":
        log.error(
            "Handoff %s: %s notification failed %d times, given up: %s",
            *where,
            item.attempts,
            item.last_error,
        )
    else:
        when = item.next_attempt_at.strftime("%H:%M:%S UTC")
        log.warning("Handoff %s: %s notification failed (%s); retry at %s", *where, item.last_error, when)


class OutboxWorker(threading.Thread):
    """Calls deliver_due every `interval` seconds until stopped; an error is logged, never fatal."""

    def __init__(
        self,
        store: HandoffStore | None = None,
        notifiers: Mapping[str, Notifier] | None = None,
        interval: float | None = None,
    ) -> None:
        super().__init__(name="handoff-outbox", daemon=True)
        self.store = store or HandoffStore.from_environment()
        self.spool = spool()
        self.notifiers = configured_notifiers() if notifiers is None else notifiers
        self.interval = load_settings().outbox_interval_seconds if interval is None else interval
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            self.run_once()
            self._stopping.wait(self.interval)

    def run_once(self) -> int:
        try:
            replay_spool(self.store, self.spool)
            return deliver_due(self.store, self.notifiers)
        except Exception:
            # A database that is briefly locked or down must not end notifications for good.
            log.exception("Handoff outbox round failed; trying again in %g s", self.interval)
            return 0

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)


_worker: OutboxWorker | None = None
_worker_lock = threading.Lock()


def start_background_worker() -> OutboxWorker:
    """The process's one outbox worker, started on the first call (later calls return it)."""
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = OutboxWorker()
            _worker.start()
        return _worker


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker = OutboxWorker()
    names = ", ".join(worker.notifiers) or "none"
    log.info("Handoff outbox worker: notifiers %s, every %g s; Ctrl-C stops it", names, worker.interval)
    # A flag, not KeyboardInterrupt: an exception raised inside a database call can be swallowed
    # by the driver's clean-up, and the loop would go on.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: worker.stop())
    worker.run()  # in this thread: the foreground loop, until a signal sets the stop flag
    log.info("Handoff outbox worker stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
