"""`make purge`: delete conversations and tickets older than the retention period (SAFETY.md 6).

A conversation goes when its last event is older than RETENTION_DAYS (default in .env.example): all its
events are deleted from the tracker store, so nothing of it is left. Closed handoff tickets
last updated before then go too (with their notifications); open ones wait for staff.

Usage: python -m tools.purge [--days N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import sqlalchemy as sa

from runtime import settings
from runtime.handoff.store import HandoffStore
from runtime.inbox import records

SECONDS_PER_DAY = 86_400


def purge_conversations(db_path: Path, retention_days: float, now: float | None = None) -> tuple[int, int]:
    """Deletes stale conversations; returns (conversations, events) deleted."""
    if not db_path.exists():
        return 0, 0
    cutoff = (now if now is not None else time.time()) - retention_days * SECONDS_PER_DAY
    engine = sa.create_engine(f"sqlite:///{db_path}")
    stale = sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff")
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0, 0
        senders = [row[0] for row in connection.execute(stale, {"cutoff": cutoff})]
        deleted = 0
        for sender in senders:
            result = connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
            deleted += result.rowcount
    engine.dispose()
    return len(senders), deleted


def main() -> None:
    settings.load()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=float(os.environ["RETENTION_DAYS"]))
    parser.add_argument("--db", type=Path, default=settings.path("TRACKER_DB"))
    args = parser.parse_args()
    conversations, events = purge_conversations(args.db, args.days)
    summary = f"Purged {conversations} conversation(s) ({events} events)"
    print(f"{summary} older than {args.days:g} days from {args.db}")
    store = HandoffStore.from_environment()
    tickets = store.purge_closed_older_than(args.days)
    records.purge_orphan_notes(store.engine)  # the staff notes of those tickets
    print(f"Purged {tickets} closed handoff ticket(s) older than {args.days:g} days")


if __name__ == "__main__":
    main()
