"""Rasa's SQL tracker store, tuned for its default SQLite file.

Rasa opens a new SQLite connection for every read and write, and each commit waits for the
disk twice (rollback journal, synchronous=FULL): under load that was about a third of the
Rasa server's time per message (py-spy, `make bench`). Here the SQLite connections are
pooled and the file uses write-ahead logging with synchronous=NORMAL, which SQLite documents
as safe against corruption; a power cut can lose at most the last commits. Other dialects
(e.g. PostgreSQL, set in endpoints.yml) are left exactly as Rasa configures them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.pool import QueuePool

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def _apply_sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class TunedSQLTrackerStore(SQLTrackerStore):
    """`type: runtime.tracker_store.TunedSQLTrackerStore` in endpoints.yml, same settings as SQL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            # sqlite3 refuses a connection made in another thread; a pooled one may be reused
            # from any thread Rasa runs store calls in, and the pool hands it to one at a time.
            self.engine = sa.create_engine(
                self.engine.url,
                poolclass=QueuePool,
                pool_size=5,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _apply_sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
