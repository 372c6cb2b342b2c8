"""Handoff tickets and their notification outbox, in one SQL database (SQLite by default).

A ticket and the outbox rows that announce it are written in one transaction, so a ticket is
never stored without its notifications, nor announced without being stored. The outbox worker
(actions/handoff/outbox.py) sends the rows later, with retries, and records every attempt.

Migration path
--------------
The schema carries its version in the `schema_version` table (version 1 today). On start-up
`HandoffStore` creates missing tables (`metadata.create_all`, which never alters an existing
table) and then applies, in order, every numbered upgrade function in `UPGRADES` above the
stored version: to change the schema, raise SCHEMA_VERSION to N, change the table definitions
below for new databases, and add `UPGRADES[N] = upgrade_to_N(connection)` that brings an
existing version N-1 database to the same shape (ALTER TABLE, data copies). A database newer
than the code is refused rather than guessed at. PostgreSQL deployments that need online or
reversible migrations can instead manage this module's `metadata` with Alembic and keep the
`schema_version` row in step.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError

from runtime.handoff.settings import load_settings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
REFERENCE_PREFIX = "SP-"
# No 0/O, 1/I: staff read references aloud and type them from e-mails.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 4
REASONS = ("user_request", "repeated_fallback", "emergency", "crisis", "callback")
PRIORITIES = ("normal", "urgent")
STATUSES = ("open", "claimed", "closed")
ACTIVE_STATUSES = ("open", "claimed")
SPEAKERS = ("user", "bot", "agent")
OUTBOX_STATUSES = ("pending", "delivered", "failed")
MAX_ERROR_LENGTH = 500
# Create retries after an IntegrityError: a reference collision or a concurrent first ticket.
MAX_CREATE_TRIES = 5
DEFAULT_LOCK_TIMEOUT = 30.0  # seconds; the servers use HANDOFF_DB_LOCK_TIMEOUT_SECONDS


class TicketLimitReached(Exception):
    """No new ticket now: the conversation or its source asked for too many recently."""


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite has no time zones)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.engine.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("HandoffStore needs time-zone-aware datetimes")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.engine.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def one_of(table: str, column: str, values: Iterable[str]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{table}_{column}")


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
)

tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("reference", sa.String(16), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("transcript", sa.Text, nullable=False),
    sa.Column("contact", sa.Text, nullable=True),
    sa.Column("claimed_by", sa.String(255), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    one_of("tickets", "reason", REASONS),
    one_of("tickets", "priority", PRIORITIES),
    one_of("tickets", "status", STATUSES),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ticket_reference", sa.String(16), sa.ForeignKey("tickets.reference"), nullable=False),
    sa.Column("notifier", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False, index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("delivered_at", UTCDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    one_of("outbox", "status", OUTBOX_STATUSES),
)

delivery_attempts = sa.Table(
    "delivery_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("outbox_id", sa.Integer, sa.ForeignKey("outbox.id"), nullable=False, index=True),
    sa.Column("attempted_at", UTCDateTime, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("error", sa.Text, nullable=True),
)

# At most one open or claimed ticket per conversation, enforced by the database so two action
# server processes cannot both create one. Partial indexes exist in SQLite and PostgreSQL only.
ACTIVE_TICKET_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS uq_tickets_active_conversation "
    "ON tickets (conversation_id) WHERE status <> 'closed'"
)

# Version N -> the function that upgrades a version N-1 database (see the module docstring).
UPGRADES: dict[int, Callable[[Connection], None]] = {}


@dataclass(frozen=True)
class Ticket:
    reference: str
    conversation_id: str
    channel: str
    reason: str
    priority: str
    status: str
    transcript: list[dict[str, str]]
    contact: dict[str, Any] | None
    claimed_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class OutboxItem:
    id: int
    ticket_reference: str
    notifier: str
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class DeliveryAttempt:
    id: int
    outbox_id: int
    attempted_at: datetime
    ok: bool
    error: str | None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def parse_time(value: datetime | float | int | str) -> datetime:
    """A transcript time as an aware UTC datetime: datetime, Unix seconds (Rasa events) or ISO-8601."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, timezone.utc)
    else:
        # Python 3.10's fromisoformat does not accept the "Z" suffix.
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_time(moment: datetime) -> str:
    # Microseconds kept: a bot's several replies to one message can share a millisecond.
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def transcript_entry(who: str, text: str, time: datetime | float | str) -> dict[str, str]:
    """One transcript line, {"who", "text", "time"} with time as ISO-8601 UTC."""
    if who not in SPEAKERS:
        raise ValueError(f"Transcript speaker must be one of {SPEAKERS}, not {who!r}")
    return {"who": who, "text": str(text), "time": format_time(parse_time(time))}


def normalize_transcript(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [transcript_entry(entry["who"], entry["text"], entry["time"]) for entry in entries]


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalize_reference(reference: str) -> str:
    """Staff may type "sp-4k7q"."""
    return reference.strip().upper()


def require(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {allowed}, not {value!r}")
    return value


def make_engine(url: str, lock_timeout: float) -> Engine:
    """hide_parameters: a database error must not put a transcript into the logs (SAFETY.md 6).

    lock_timeout: how long a statement waits for another's lock. Short, so a locked or slow
    database fails fast and the ticket goes to the spool instead of keeping the patient waiting."""
    parsed = make_url(url)
    milliseconds = int(lock_timeout * 1000)
    if parsed.get_backend_name() == "postgresql":
        options = f"-c lock_timeout={milliseconds} -c statement_timeout={milliseconds * 5}"
        connect_args = {"connect_timeout": max(1, round(lock_timeout * 2)), "options": options}
        return sa.create_engine(
            url, future=True, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args
        )
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        Path(database).touch(mode=0o600, exist_ok=True)  # tickets hold patients' words: owner only
    # The action server, the outbox worker and the staff CLI are separate processes on one file:
    # each waits briefly for the others' locks instead of failing at once.
    engine = sa.create_engine(url, future=True, hide_parameters=True, connect_args={"timeout": lock_timeout})
    serialize_sqlite_transactions(engine)
    return engine


def serialize_sqlite_transactions(engine: Engine) -> None:
    """BEGIN IMMEDIATE takes the write lock at the start, so "read the open ticket, then write"
    cannot interleave between processes (pysqlite would otherwise begin only at the first write)."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event below emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(connection: Connection) -> None:
    """Brings the schema to SCHEMA_VERSION (see the module docstring)."""
    stored = connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
    if stored is None:
        connection.execute(schema_version.insert().values(version=SCHEMA_VERSION))
        return
    if stored > SCHEMA_VERSION:
        raise RuntimeError(
            f"The handoff database has schema version {stored}, newer than this code's {SCHEMA_VERSION}"
        )
    for version in range(stored + 1, SCHEMA_VERSION + 1):
        UPGRADES[version](connection)
        connection.execute(schema_version.update().values(version=version))
        log.info("Handoff database upgraded to schema version %d", version)


def from_row(cls: type, row: sa.engine.Row, **decoded: object) -> object:
    """A dataclass from a table row with the same column names; decoded values replace raw ones."""
    return cls(**{**{f.name: getattr(row, f.name) for f in fields(cls)}, **decoded})


def ticket_from_row(row: sa.engine.Row) -> Ticket:
    return from_row(
        Ticket,
        row,
        transcript=json.loads(row.transcript),
        contact=json.loads(row.contact) if row.contact else None,
    )


def outbox_item_from_row(row: sa.engine.Row) -> OutboxItem:
    return from_row(OutboxItem, row)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


_shared_stores: dict[str, HandoffStore] = {}
_shared_lock = threading.Lock()


class HandoffStore:
    def __init__(
        self,
        url: str,
        reference_factory: Callable[[], str] = new_reference,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.url = url
        self.engine = make_engine(url, lock_timeout)
        self._new_reference = reference_factory
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> HandoffStore:
        """The store at HANDOFF_DB_URL, one per URL and process (engines pool connections)."""
        config = load_settings()
        url = config.db_url
        with _shared_lock:
            if url not in _shared_stores:
                _shared_stores[url] = cls(url, lock_timeout=config.db_lock_timeout_seconds)
            return _shared_stores[url]

    def dispose(self) -> None:
        self.engine.dispose()

    # --- tickets -----------------------------------------------------------------------------

    def create_or_update(
        self,
        conversation_id: str,
        channel: str,
        reason: str,
        priority: str,
        transcript: Iterable[Mapping[str, Any]],
        contact: Mapping[str, Any] | None = None,
        notifier_names: Iterable[str] = (),
        *,
        now: datetime | None = None,
        max_new_per_hour: int | None = None,
    ) -> tuple[Ticket, bool]:
        """The conversation's open ticket brought up to date (False), or a new one with its
        outbox rows (True). Contact is stored only when given: the caller asked for consent.
        With max_new_per_hour, a conversation that had that many new tickets in the last hour
        gets no other one (TicketLimitReached): a script must not flood the clinic's queue."""
        require(reason, REASONS, "reason")
        require(priority, PRIORITIES, "priority")
        if contact is not None and not isinstance(contact, Mapping):
            raise TypeError(f"contact must be a mapping or None, not {type(contact).__name__}")
        entries = normalize_transcript(transcript)
        names = list(dict.fromkeys(notifier_names))
        moment = now or utcnow()
        last_error: IntegrityError | None = None
        for _ in range(MAX_CREATE_TRIES):
            try:
                with self._transaction() as connection:
                    row = self._active_row(connection, conversation_id)
                    if row is not None:
                        return self._update_active(connection, row, entries, priority, contact, moment), False
                    if max_new_per_hour is not None:
                        self._check_limit(connection, conversation_id, max_new_per_hour, moment)
                    ticket = self._insert_ticket(
                        connection, conversation_id, channel, reason, priority, entries, contact, moment
                    )
                    self._insert_outbox(connection, ticket.reference, names, moment)
            except IntegrityError as error:
                # Another process took this reference, or opened this conversation's ticket first:
                # look again, which finds and updates that ticket.
                last_error = error
                continue
            self._log_created(ticket, names)
            return ticket, True
        raise RuntimeError(f"Could not store a handoff ticket after {MAX_CREATE_TRIES} tries") from last_error

    def get(self, reference: str) -> Ticket:
        with self._transaction() as connection:
            return ticket_from_row(self._row(connection, reference))

    def open_ticket_for(self, conversation_id: str) -> Ticket | None:
        """The conversation's open or claimed ticket, if it has one."""
        with self._transaction() as connection:
            row = self._active_row(connection, conversation_id)
            return ticket_from_row(row) if row is not None else None

    def list_tickets(self, statuses: Iterable[str] = ACTIVE_STATUSES) -> list[Ticket]:
        """Urgent first, then oldest first: the order staff should answer in."""
        urgent_first = sa.case((tickets.c.priority == "urgent", 0), else_=1)
        query = (
            sa.select(tickets)
            .where(tickets.c.status.in_(list(statuses)))
            .order_by(urgent_first, tickets.c.created_at, tickets.c.id)
        )
        with self._transaction() as connection:
            return [ticket_from_row(row) for row in connection.execute(query)]

    def claim(self, reference: str, agent: str, *, now: datetime | None = None) -> Ticket:
        if not agent.strip():
            raise ValueError("An agent name is needed to claim a ticket")
        with self._transaction() as connection:
            row = self._row(connection, reference, for_update=True)
            if row.status == "closed":
                raise ValueError(f"Handoff ticket {row.reference} is closed and cannot be claimed")
            values = {"status": "claimed", "claimed_by": agent.strip()}
            return self._update(connection, row, values, now)

    def add_message(self, reference: str, who: str, text: str, *, now: datetime | None = None) -> Ticket:
        moment = now or utcnow()
        entry = transcript_entry(who, text, moment)
        with self._transaction() as connection:
            row = self._row(connection, reference, for_update=True)
            if row.status == "closed":
                raise ValueError(f"Handoff ticket {row.reference} is closed")
            transcript = [*json.loads(row.transcript), entry]
            return self._update(connection, row, {"transcript": to_json(transcript)}, moment)

    def close(self, reference: str, *, now: datetime | None = None) -> Ticket:
        with self._transaction() as connection:
            row = self._row(connection, reference, for_update=True)
            if row.status == "closed":
                return ticket_from_row(row)
            return self._update(connection, row, {"status": "closed"}, now)

    # --- outbox ------------------------------------------------------------------------------

    def due_outbox(self, now: datetime | None = None) -> list[OutboxItem]:
        query = (
            sa.select(outbox)
            .where(outbox.c.status == "pending", outbox.c.next_attempt_at <= (now or utcnow()))
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
        )
        with self._transaction() as connection:
            return [outbox_item_from_row(row) for row in connection.execute(query)]

    def lease(self, outbox_id: int, now: datetime, until: datetime) -> bool:
        """Takes a due row for one sender until `until`; False if another worker took it first,
        so two processes running the outbox worker do not both send it."""
        statement = (
            outbox.update()
            .where(outbox.c.id == outbox_id, outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
            .values(next_attempt_at=until)
        )
        with self._transaction() as connection:
            return connection.execute(statement).rowcount == 1

    def record_attempt(
        self,
        outbox_id: int,
        ok: bool,
        error: str | None,
        now: datetime,
        max_attempts: int,
        retry_base_seconds: float,
    ) -> OutboxItem:
        """Stores the attempt; on failure retries after base * 2**(attempts-1) s, until max_attempts."""
        error_text = error[:MAX_ERROR_LENGTH] if error else None
        with self._transaction() as connection:
            row = connection.execute(
                sa.select(outbox).where(outbox.c.id == outbox_id).with_for_update()
            ).one_or_none()
            if row is None:
                raise KeyError(f"No outbox row {outbox_id}")
            attempts = row.attempts + 1
            connection.execute(
                delivery_attempts.insert().values(
                    outbox_id=outbox_id, attempted_at=now, ok=ok, error=None if ok else error_text
                )
            )
            values = self._after_attempt(ok, error_text, attempts, now, max_attempts, retry_base_seconds)
            connection.execute(outbox.update().where(outbox.c.id == outbox_id).values(**values))
            updated = connection.execute(sa.select(outbox).where(outbox.c.id == outbox_id)).one()
        return outbox_item_from_row(updated)

    def outbox_for(self, reference: str) -> list[OutboxItem]:
        query = (
            sa.select(outbox)
            .where(outbox.c.ticket_reference == normalize_reference(reference))
            .order_by(outbox.c.id)
        )
        with self._transaction() as connection:
            return [outbox_item_from_row(row) for row in connection.execute(query)]

    def attempts_for(self, outbox_id: int) -> list[DeliveryAttempt]:
        query = (
            sa.select(delivery_attempts)
            .where(delivery_attempts.c.outbox_id == outbox_id)
            .order_by(delivery_attempts.c.id)
        )
        with self._transaction() as connection:
            return [
                DeliveryAttempt(row.id, row.outbox_id, row.attempted_at, row.ok, row.error)
                for row in connection.execute(query)
            ]

    # --- retention (SAFETY.md section 6) -------------------------------------------------------

    def purge_closed_older_than(self, days: float, now: datetime | None = None) -> int:
        """Deletes closed tickets last updated more than `days` ago, with their outbox and
        delivery attempts; returns how many tickets went. Open tickets stay until closed."""
        cutoff = (now or utcnow()) - timedelta(days=days)
        stale = sa.select(tickets.c.reference).where(
            tickets.c.status == "closed", tickets.c.updated_at < cutoff
        )
        with self._transaction() as connection:
            references = list(connection.execute(stale).scalars())
            if not references:
                return 0
            rows = sa.select(outbox.c.id).where(outbox.c.ticket_reference.in_(references))
            connection.execute(delivery_attempts.delete().where(delivery_attempts.c.outbox_id.in_(rows)))
            connection.execute(outbox.delete().where(outbox.c.ticket_reference.in_(references)))
            connection.execute(tickets.delete().where(tickets.c.reference.in_(references)))
        log.info("Purged %d closed handoff ticket(s) older than %g days", len(references), days)
        return len(references)

    # --- internals ---------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        self._ensure_schema()
        with self.engine.begin() as connection:
            yield connection

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._schema_lock:
            if self._schema_ready:
                return
            with self.engine.begin() as connection:
                metadata.create_all(connection)
                if connection.dialect.name in ("sqlite", "postgresql"):
                    connection.exec_driver_sql(ACTIVE_TICKET_INDEX)
                migrate(connection)
            self._schema_ready = True

    def _row(self, connection: Connection, reference: str, for_update: bool = False) -> sa.engine.Row:
        wanted = normalize_reference(reference)
        query = sa.select(tickets).where(tickets.c.reference == wanted)
        if for_update:
            query = query.with_for_update()
        row = connection.execute(query).one_or_none()
        if row is None:
            raise KeyError(f"No handoff ticket {wanted}")
        return row

    @staticmethod
    def _check_limit(connection: Connection, conversation_id: str, limit: int, now: datetime) -> None:
        query = sa.select(sa.func.count()).where(
            tickets.c.conversation_id == conversation_id, tickets.c.created_at > now - timedelta(hours=1)
        )
        if connection.execute(query).scalar_one() >= limit:
            raise TicketLimitReached(f"{limit} new tickets in the last hour for this conversation")

    def _active_row(self, connection: Connection, conversation_id: str) -> sa.engine.Row | None:
        query = (
            sa.select(tickets)
            .where(tickets.c.conversation_id == conversation_id, tickets.c.status.in_(ACTIVE_STATUSES))
            .with_for_update()
        )
        return connection.execute(query).first()

    def _update(
        self, connection: Connection, row: sa.engine.Row, values: dict[str, Any], now: datetime | None
    ) -> Ticket:
        values = {**values, "updated_at": now or utcnow()}
        connection.execute(tickets.update().where(tickets.c.id == row.id).values(**values))
        return ticket_from_row(connection.execute(sa.select(tickets).where(tickets.c.id == row.id)).one())

    def _update_active(
        self,
        connection: Connection,
        row: sa.engine.Row,
        entries: list[dict[str, str]],
        priority: str,
        contact: Mapping[str, Any] | None,
        now: datetime,
    ) -> Ticket:
        stored = json.loads(row.transcript)
        values: dict[str, Any] = {"transcript": to_json(stored + newer_entries(stored, entries))}
        if priority == "urgent":  # never lowered: an emergency stays urgent
            values["priority"] = "urgent"
        if contact is not None:
            values["contact"] = to_json(dict(contact))
        return self._update(connection, row, values, now)

    def _insert_ticket(
        self,
        connection: Connection,
        conversation_id: str,
        channel: str,
        reason: str,
        priority: str,
        entries: list[dict[str, str]],
        contact: Mapping[str, Any] | None,
        now: datetime,
    ) -> Ticket:
        values = {
            "reference": self._free_reference(connection),
            "conversation_id": conversation_id,
            "channel": channel,
            "reason": reason,
            "priority": priority,
            "status": "open",
            "transcript": to_json(entries),
            "contact": to_json(dict(contact)) if contact is not None else None,
            "claimed_by": None,
            "created_at": now,
            "updated_at": now,
        }
        connection.execute(tickets.insert().values(**values))
        return ticket_from_row(
            connection.execute(sa.select(tickets).where(tickets.c.reference == values["reference"])).one()
        )

    def _free_reference(self, connection: Connection) -> str:
        for _ in range(50):
            reference = self._new_reference()
            taken = connection.execute(
                sa.select(tickets.c.id).where(tickets.c.reference == reference)
            ).first()
            if taken is None:
                return reference
        raise RuntimeError("No free handoff reference found; purge old tickets or lengthen references")

    def _insert_outbox(self, connection: Connection, reference: str, names: list[str], now: datetime) -> None:
        for name in names:
            connection.execute(
                outbox.insert().values(
                    ticket_reference=reference,
                    notifier=name,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )

    @staticmethod
    def _after_attempt(
        ok: bool,
        error: str | None,
        attempts: int,
        now: datetime,
        max_attempts: int,
        retry_base_seconds: float,
    ) -> dict[str, Any]:
        if ok:
            return {"attempts": attempts, "status": "delivered", "delivered_at": now, "last_error": None}
        if attempts >= max_attempts:
            return {"attempts": attempts, "status": "failed", "last_error": error}
        delay = timedelta(seconds=retry_base_seconds * 2 ** (attempts - 1))
        return {"attempts": attempts, "last_error": error, "next_attempt_at": now + delay}

    @staticmethod
    def _log_created(ticket: Ticket, names: list[str]) -> None:
        # Reference and metadata only: SAFETY.md section 6 keeps message texts out of logs.
        log.info(
            "Handoff ticket %s created (reason=%s, priority=%s, channel=%s, notifiers=%s)",
            ticket.reference,
            ticket.reason,
            ticket.priority,
            ticket.channel,
            ", ".join(names) or "none",
        )
        if not names:
            log.warning(
                "No handoff notifier is configured: ticket %s is stored; staff see it with "
                "`python -m tools.staff list`",
                ticket.reference,
            )


def newer_entries(stored: list[dict[str, str]], entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """The entries after the last stored one's time: the caller may resend the whole transcript."""
    if not stored:
        return entries
    last = parse_time(stored[-1]["time"])
    return [entry for entry in entries if parse_time(entry["time"]) > last]
