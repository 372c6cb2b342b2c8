"""Rasa's SQL tracker store, tuned for its default SQLite file.

Rasa opens a new SQLite connection for every read and write, and each commit waits for the
disk twice (rollback journal, synchronous=FULL): under load that was about a third of the
Rasa server's time per message (py-spy, `make bench`). Here the SQLite connections are
pooled and the file uses write-ahead logging with synchronous=NORMAL, which SQLite documents
as safe against corruption; a power cut can lose at most the last commits.

A shared database (TRACKER_STORE_URL, e.g. PostgreSQL for several Rasa servers) keeps Rasa's
engine settings plus a ping before a pooled connection is reused: after the database restarts,
the next message gets a fresh connection instead of an error from a dead one. While it cannot
be reached, reads and writes are retried for TRACKER_STORE_RETRY_SECONDS (a restart takes a
few seconds), then the error goes up: runtime/rasa_patches.py keeps Rasa from carrying on with
an empty conversation in memory, and the channel tells the user (runtime/channels/inbound.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from runtime import settings
from runtime.retry import StoreRetry

logger = logging.getLogger(__name__)
RETRY_PAUSE_SECONDS = 0.5

CANCEL_ACTION = "action_cancel_callback"
SENT_ACTION = "action_handoff_to_human"  # after it, the answers were sent with consent
FORM = "callback_form"
FORM_SLOTS = ("callback_name", "callback_contact", "callback_time")
REMOVED = "[removed]"

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def _apply_sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def cancelled_in_latest_turn(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == CANCEL_ACTION:
            return True
    return False


def answers_to_forget(events: list[tuple[Any, dict[str, Any]]]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(row, data) pairs rewritten: user messages typed while the form was asking, the form's
    slot values and bot messages that repeated one, since the last request was sent."""
    sent = max((i for i, (_, d) in enumerate(events) if d.get("name") == SENT_ACTION), default=-1)
    window = events[sent + 1 :]
    values = {
        str(d["value"])
        for _, d in window
        if d.get("event") == "slot" and d.get("name") in FORM_SLOTS and d.get("value")
    }
    form_active = False
    for row, data in window:
        kind = data.get("event")
        if kind == "active_loop":
            form_active = data.get("name") == FORM
        elif kind == "user" and form_active:
            yield (
                row,
                {**data, "text": REMOVED, "parse_data": {**data.get("parse_data", {}), "text": REMOVED}},
            )
        elif kind == "slot" and data.get("name") in FORM_SLOTS and data.get("value") is not None:
            yield row, {**data, "value": None}
        elif kind == "bot" and any(value in (data.get("text") or "") for value in values):
            yield row, {**data, "text": REMOVED, "data": {}}


def unreachable(error: Exception) -> bool:
    """The database could not be reached (or went away): SQLAlchemy's OperationalError."""
    return isinstance(error, OperationalError)


class TunedSQLTrackerStore(SQLTrackerStore):
    """`type: runtime.tracker_store.TunedSQLTrackerStore` in endpoints.yml, same settings as SQL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            # sqlite3 refuses a connection made in another thread; a pooled one may be reused
            # from any thread Rasa runs store calls in, and the pool hands it to one at a time.
            self.engine = sa.create_engine(
                url,
                poolclass=QueuePool,
                pool_size=5,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _apply_sqlite_pragmas)
        else:
            self.engine = sa.create_engine(
                url, pool_pre_ping=True, hide_parameters=True, **create_engine_kwargs(url)
            )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        shared = url.get_backend_name() != "sqlite"
        self.retried = StoreRetry(
            "Tracker store",
            unreachable,
            logger,
            seconds=float(settings.get("TRACKER_STORE_RETRY_SECONDS")) if shared else 0.0,
            pause=RETRY_PAUSE_SECONDS,
        )

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        parent = super()
        return await self.retried(lambda: parent.retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        parent = super()
        return await self.retried(lambda: parent.retrieve_full_tracker(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        parent = super()
        await self.retried(lambda: parent.save(tracker))


class PrivateSQLTrackerStore(TunedSQLTrackerStore):
    """`type: runtime.tracker_store.PrivateSQLTrackerStore` in endpoints.yml: the tuned store
    that also forgets a cancelled callback request (issue #11).

    "Never mind" in the callback form tells the patient that nothing they typed for it was
    kept. Rasa's store keeps every event, so when a turn ends with the form cancelled, the
    answers typed for it since the last request sent to the clinic are rewritten in the
    database: their text, the slot values, and bot messages that repeated them (the summary).
    """

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if cancelled_in_latest_turn(tracker):
            self.forget_callback_answers(tracker.sender_id)

    def forget_callback_answers(self, sender_id: str) -> None:
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .order_by(self.SQLEvent.id)
                .all()
            )
            for row, data in answers_to_forget([(row, json.loads(row.data)) for row in rows]):
                row.data = json.dumps(data)
            session.commit()
