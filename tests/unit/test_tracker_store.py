"""The tuned SQLite tracker store keeps conversations as Rasa's SQL store does, in WAL mode."""

from __future__ import annotations

import asyncio
import sqlite3

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.tracker_store import TunedSQLTrackerStore


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("What is a discectomy?", {"name": "faq", "confidence": 0.9}))
    return tracker


def test_conversations_round_trip_and_rasa_reads_the_same_file(tmp_path):
    db = tmp_path / "tracker.db"
    store = TunedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    asyncio.run(store.save(conversation("patient-1")))

    again = asyncio.run(store.retrieve("patient-1"))
    assert again is not None and again.latest_message.text == "What is a discectomy?"

    plain = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    assert asyncio.run(plain.retrieve("patient-1")).latest_message.text == "What is a discectomy?"


def test_the_file_uses_write_ahead_logging(tmp_path):
    db = tmp_path / "tracker.db"
    store = TunedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    asyncio.run(store.save(conversation("patient-2")))
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
