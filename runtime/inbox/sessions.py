"""Signed-in staff: a random token in an HttpOnly cookie, only its SHA-256 stored server-side
with the session's CSRF token; a session ends after INBOX_IDLE_MINUTES without activity."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runtime.handoff.store import utcnow
from runtime.inbox import tables
from runtime.inbox.accounts import User, user_from_row


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


@dataclass(frozen=True)
class Lookup:
    session: Session | None
    expired: bool = False  # there was one, ended for inactivity just now


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(engine: Engine, user: User, now: datetime | None = None) -> tuple[str, Session]:
    """A new session: the cookie's token (never stored) and the session."""
    tables.ensure(engine)
    moment = now or utcnow()
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    values = {
        "token_hash": digest(token),
        "user_id": user.id,
        "csrf_token": csrf_token,
        "created_at": moment,
        "last_active_at": moment,
    }
    with engine.begin() as connection:
        connection.execute(tables.sessions.insert().values(**values))
    return token, Session(user, csrf_token)


def look_up(
    engine: Engine, token: str, idle_minutes: float, touch: bool, now: datetime | None = None
) -> Lookup:
    """The session of a cookie's token; `touch` counts this request as activity (a page or an
    action; the pages' background polling does not, so an open page still times out)."""
    if not token:
        return Lookup(None)
    tables.ensure(engine)
    moment = now or utcnow()
    query = (
        sa.select(tables.sessions.c.csrf_token, tables.sessions.c.last_active_at, tables.users)
        .join(tables.users, tables.users.c.id == tables.sessions.c.user_id)
        .where(tables.sessions.c.token_hash == digest(token))
    )
    with engine.begin() as connection:
        row = connection.execute(query).one_or_none()
        if row is None:
            return Lookup(None)
        idle = moment - row.last_active_at > timedelta(minutes=idle_minutes)
        if idle or not row.active:
            connection.execute(tables.sessions.delete().where(tables.sessions.c.token_hash == digest(token)))
            return Lookup(None, expired=idle)
        if touch:
            connection.execute(
                tables.sessions.update()
                .where(tables.sessions.c.token_hash == digest(token))
                .values(last_active_at=moment)
            )
    return Lookup(Session(user_from_row(row), row.csrf_token))


def end(engine: Engine, token: str) -> None:
    tables.ensure(engine)
    with engine.begin() as connection:
        connection.execute(tables.sessions.delete().where(tables.sessions.c.token_hash == digest(token)))
