"""Reading the events of Rasa's SQL tracker store (SQLite or any SQLAlchemy URL), by conversation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from runtime import settings

# --- Reading the tracker store --------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    sender: str
    type: str
    timestamp: float
    intent: str | None
    action: str | None
    data: dict[str, Any]


def engine_url(db: Path | None, url: str | None) -> str:
    if url:
        return url
    path = db if db is not None else settings.path("TRACKER_DB")
    if not path.exists():
        raise FileNotFoundError(
            f"No tracker store at {path}: start the assistant (make run) first, or pass --db"
        )
    return f"sqlite:///{path}"


def read_events(url: str) -> Iterator[Event]:
    """Every event, grouped by sender, in the order they happened."""
    engine = sa.create_engine(url)
    query = sa.text(
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
        "ORDER BY sender_id, id"
    )
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return
            for sender, type_name, timestamp, intent, action, data in connection.execute(query):
                try:
                    parsed = json.loads(data) if data else {}
                except ValueError:
                    parsed = {}
                yield Event(sender, type_name, timestamp or 0.0, intent, action, parsed)
    finally:
        engine.dispose()


def by_sender(events: Iterable[Event]) -> Iterator[list[Event]]:
    current: list[Event] = []
    for event in events:
        if current and event.sender != current[0].sender:
            yield current
            current = []
        current.append(event)
    if current:
        yield current
