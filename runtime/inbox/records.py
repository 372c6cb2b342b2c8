"""What staff did and wrote: the append-only audit log and the internal notes on tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runtime.handoff.store import tickets as handoff_tickets
from runtime.handoff.store import utcnow
from runtime.inbox import tables

AUDIT_ACTIONS = (
    "signed_in", "sign_in_failed", "locked_out", "signed_out", "listed", "viewed", "claimed", "replied",
    "noted", "closed", "read_audit_log", "listed_accounts", "created_account", "deactivated_account",
)  # fmt: skip
AUDIT_PAGE_SIZE = 500


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    subject: str | None  # a ticket reference or an account


@dataclass(frozen=True)
class Note:
    author: str
    text: str
    at: datetime


def audit(engine: Engine, username: str, action: str, subject: str | None = None) -> None:
    """Appends one entry; nothing in the code changes or deletes one, and the database refuses to."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    tables.ensure(engine)
    values = {"at": utcnow(), "username": username[:64], "action": action, "subject": subject}
    with engine.begin() as connection:
        connection.execute(tables.audit_log.insert().values(**values))


def audit_entries(engine: Engine, limit: int = AUDIT_PAGE_SIZE) -> list[AuditEntry]:
    """Newest first."""
    tables.ensure(engine)
    query = sa.select(tables.audit_log).order_by(tables.audit_log.c.id.desc()).limit(limit)
    with engine.begin() as connection:
        return [
            AuditEntry(row.at, row.username, row.action, row.subject) for row in connection.execute(query)
        ]


def add_note(engine: Engine, reference: str, author: str, text: str) -> None:
    tables.ensure(engine)
    values = {"ticket_reference": reference, "author": author, "text": text, "at": utcnow()}
    with engine.begin() as connection:
        connection.execute(tables.notes.insert().values(**values))


def notes_for(engine: Engine, reference: str) -> list[Note]:
    tables.ensure(engine)
    query = (
        sa.select(tables.notes)
        .where(tables.notes.c.ticket_reference == reference)
        .order_by(tables.notes.c.id)
    )
    with engine.begin() as connection:
        return [Note(row.author, row.text, row.at) for row in connection.execute(query)]


def purge_orphan_notes(engine: Engine) -> int:
    """Deletes the notes of tickets that were purged (retention, SAFETY.md section 6)."""
    tables.ensure(engine)
    remaining = sa.select(handoff_tickets.c.reference)
    with engine.begin() as connection:
        return connection.execute(
            tables.notes.delete().where(tables.notes.c.ticket_reference.not_in(remaining))
        ).rowcount
