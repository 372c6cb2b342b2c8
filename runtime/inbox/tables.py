"""The staff inbox's tables, in the handoff database beside the tickets: accounts, sessions,
sign-in attempts, internal notes and the append-only audit log.

Created on first use (`create_all` never alters an existing table). On SQLite and PostgreSQL
triggers refuse any UPDATE or DELETE of the audit log, so not even a bug here can rewrite it.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from runtime.handoff.store import UTCDateTime, one_of

ROLES = ("staff", "admin")

metadata = sa.MetaData()

users = sa.Table(
    "inbox_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    one_of("inbox_users", "role", ROLES),
)

sessions = sa.Table(
    "inbox_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 of the cookie's token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("inbox_users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_active_at", UTCDateTime, nullable=False),
)

login_attempts = sa.Table(
    "inbox_login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("source", sa.String(64), nullable=False, index=True),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

notes = sa.Table(
    "inbox_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ticket_reference", sa.String(16), nullable=False, index=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

audit_log = sa.Table(
    "inbox_audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("subject", sa.String(64), nullable=True),  # a ticket reference or an account
)

APPEND_ONLY_SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS inbox_audit_log_no_{verb.lower()} BEFORE {verb} ON inbox_audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION inbox_audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS inbox_audit_log_append_only ON inbox_audit_log",
    "CREATE TRIGGER inbox_audit_log_append_only BEFORE UPDATE OR DELETE ON inbox_audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION inbox_audit_log_append_only()",
]

_ready: set[int] = set()
_lock = threading.Lock()


def create(connection: Connection) -> None:
    metadata.create_all(connection)
    statements = {"sqlite": APPEND_ONLY_SQLITE, "postgresql": APPEND_ONLY_POSTGRESQL}
    for statement in statements.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def ensure(engine: Engine) -> None:
    """The tables exist, once per engine and process."""
    with _lock:
        if id(engine) in _ready:
            return
        with engine.begin() as connection:
            create(connection)
        _ready.add(id(engine))
