"""The outbox workers of several action servers never send a row twice, on PostgreSQL: each row
is leased (a conditional UPDATE) before it is sent."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone

from support.http import wait_for

from runtime.handoff.outbox import deliver_due
from runtime.handoff.store import HandoffStore, Ticket, transcript_entry

TICKETS = 30
RACING_WORKERS = 4


def open_tickets(store: HandoffStore, prefix: str, notifier: str) -> list[str]:
    line = [transcript_entry("user", "can i talk to someone", datetime.now(timezone.utc))]
    return [
        store.create_or_update(
            f"{prefix}-{n}", "rest", "user_request", "normal", line, notifier_names=[notifier]
        )[0].reference
        for n in range(TICKETS)
    ]


def test_two_action_servers_send_each_notification_once(cluster, notification_receiver):
    """Both action servers' workers poll the shared database every 0.2 s while tickets arrive."""
    store = HandoffStore(cluster.postgres.url("handoff"))
    references = open_tickets(store, "cluster-outbox", "webhook")

    def sent() -> Counter:
        bodies = [request.body.decode() for request in notification_receiver.requests]
        return Counter(r for r in references for body in bodies if r in body)

    assert wait_for(lambda: len(sent()) == TICKETS, timeout=120)
    assert set(sent().values()) == {1}
    for reference in references:
        [row] = store.outbox_for(reference)
        assert row.status == "delivered" and len(store.attempts_for(row.id)) == 1


class CountingNotifier:
    """Stands in for a staff channel: counts what it is asked to send."""

    name = "counting"

    def __init__(self) -> None:
        self.sent: Counter = Counter()
        self.lock = threading.Lock()

    def send(self, ticket: Ticket) -> None:
        with self.lock:
            self.sent[ticket.reference] += 1


def test_workers_racing_on_the_same_rows_send_each_once(cluster):
    """Four workers started together on the same due rows: every row is sent exactly once. (A
    database of their own: the action servers' workers do not know this notifier.)"""
    cluster.postgres.create_databases(("outbox_race",))
    store = HandoffStore(cluster.postgres.url("outbox_race"))
    references = open_tickets(store, "cluster-race", CountingNotifier.name)
    notifier = CountingNotifier()
    start = threading.Barrier(RACING_WORKERS)

    def worker() -> None:
        own = HandoffStore(cluster.postgres.url("outbox_race"))  # its own connections, as a process has
        start.wait()
        deliver_due(own, {notifier.name: notifier}, max_attempts=3, retry_base_seconds=60)

    threads = [threading.Thread(target=worker) for _ in range(RACING_WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {reference: notifier.sent[reference] for reference in references} == dict.fromkeys(references, 1)
