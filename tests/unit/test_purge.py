"""tools.purge: conversations past the retention period leave the real Rasa tracker store."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.settings import ROOT
from tools.purge import purge_conversations

DAY = 86_400


def store_conversation(store: SQLTrackerStore, sender: str, age_days: float) -> None:
    when = time.time() - age_days * DAY
    events = [
        ActionExecuted("action_listen", timestamp=when),
        UserUttered("made-up message", timestamp=when + 1),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def senders_left(store: SQLTrackerStore) -> set:
    return set(asyncio.run(store.keys()))


def test_only_conversations_past_retention_are_deleted(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    store_conversation(store, "old", age_days=120)
    store_conversation(store, "recent", age_days=3)

    assert purge_conversations(db, retention_days=90) == (1, 2)
    assert senders_left(store) == {"recent"}


def test_make_purge_command_reports_what_it_deleted(tmp_path):
    db = tmp_path / "tracker.db"
    store_conversation(SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db)), "old", age_days=10)
    result = subprocess.run(
        [sys.executable, "-m", "tools.purge", "--days", "7", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "Purged 1 conversation(s) (2 events) older than 7 days" in result.stdout
    assert "Purged 0 closed handoff ticket(s) older than 7 days" in result.stdout


def test_a_missing_store_is_nothing_to_purge(tmp_path):
    assert purge_conversations(tmp_path / "none.db", retention_days=90) == (0, 0)
