"""Staff accounts: created from the command line (`python -m tools.inbox add-user`), passwords
hashed with Argon2id (argon2-cffi), sign-ins rate-limited per client address and accounts
locked after repeated failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from runtime.handoff.store import utcnow
from runtime.inbox import tables
from runtime.inbox.settings import InboxSettings

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
hasher = PasswordHasher()  # Argon2id with argon2-cffi's RFC 9106 "low memory" defaults
# Verified when the user name is unknown, so a wrong name takes as long as a wrong password.
UNKNOWN_USER_HASH = hasher.hash("no such user")


class AccountError(ValueError):
    """An account that cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class SignIn:
    user: User | None
    problem: str | None = None  # failed, locked or throttled


def user_from_row(row: sa.engine.Row) -> User:
    return User(row.id, row.username, row.display_name, row.role, row.active)


def add_user(
    engine: Engine, username: str, display_name: str, role: str, password: str, min_length: int
) -> User:
    tables.ensure(engine)
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("a user name is 2-64 characters: a-z, 0-9, dot, dash, underscore")
    if role not in tables.ROLES:
        raise AccountError(f"the role is one of {', '.join(tables.ROLES)}")
    if len(password) < min_length:
        raise AccountError(f"the password needs at least {min_length} characters")
    values = {
        "username": username,
        "display_name": display_name.strip() or username,
        "role": role,
        "password_hash": hasher.hash(password),
        "active": True,
        "created_at": utcnow(),
    }
    try:
        with engine.begin() as connection:
            connection.execute(tables.users.insert().values(**values))
    except IntegrityError:
        raise AccountError(f"the user name {username} is taken") from None
    found = find(engine, username)
    assert found is not None
    return found


def find(engine: Engine, username: str) -> User | None:
    tables.ensure(engine)
    query = sa.select(tables.users).where(tables.users.c.username == username.strip().lower())
    with engine.begin() as connection:
        row = connection.execute(query).one_or_none()
    return user_from_row(row) if row is not None else None


def all_users(engine: Engine) -> list[User]:
    tables.ensure(engine)
    with engine.begin() as connection:
        rows = connection.execute(sa.select(tables.users).order_by(tables.users.c.username))
        return [user_from_row(row) for row in rows]


def deactivate(engine: Engine, username: str) -> User | None:
    """The account can no longer sign in, and its sessions end now."""
    user = find(engine, username)
    if user is None:
        return None
    with engine.begin() as connection:
        connection.execute(tables.users.update().where(tables.users.c.id == user.id).values(active=False))
        connection.execute(tables.sessions.delete().where(tables.sessions.c.user_id == user.id))
    return find(engine, username)


def sign_in(
    engine: Engine,
    username: str,
    password: str,
    source: str,
    config: InboxSettings,
    now: datetime | None = None,
) -> SignIn:
    """Checks a password, unless the client address is throttled or the account locked."""
    tables.ensure(engine)
    moment = now or utcnow()
    name = username.strip().lower()[:64]
    if attempts_from(engine, source, moment - timedelta(minutes=1)) >= config.logins_per_minute:
        return SignIn(None, "throttled")
    if is_locked(engine, name, config, moment):
        return SignIn(None, "locked")
    with engine.begin() as connection:
        row = connection.execute(sa.select(tables.users).where(tables.users.c.username == name)).one_or_none()
    ok = password_matches(row.password_hash if row is not None else UNKNOWN_USER_HASH, password)
    ok = ok and row is not None and row.active
    with engine.begin() as connection:
        connection.execute(
            tables.login_attempts.insert().values(username=name, source=source, ok=ok, at=moment)
        )
        if ok and hasher.check_needs_rehash(row.password_hash):
            new_hash = hasher.hash(password)
            connection.execute(
                tables.users.update().where(tables.users.c.id == row.id).values(password_hash=new_hash)
            )
    if not ok:
        return SignIn(None, "locked" if is_locked(engine, name, config, moment) else "failed")
    return SignIn(user_from_row(row))


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def attempts_from(engine: Engine, source: str, since: datetime) -> int:
    query = sa.select(sa.func.count()).where(
        tables.login_attempts.c.source == source, tables.login_attempts.c.at > since
    )
    with engine.begin() as connection:
        return connection.execute(query).scalar_one()


def is_locked(engine: Engine, username: str, config: InboxSettings, now: datetime) -> bool:
    """The last max_failed_logins attempts within the lockout period all failed."""
    query = (
        sa.select(tables.login_attempts.c.ok)
        .where(
            tables.login_attempts.c.username == username,
            tables.login_attempts.c.at > now - timedelta(minutes=config.lockout_minutes),
        )
        .order_by(tables.login_attempts.c.id.desc())
        .limit(config.max_failed_logins)
    )
    with engine.begin() as connection:
        recent = list(connection.execute(query).scalars())
    return len(recent) >= config.max_failed_logins and not any(recent)
