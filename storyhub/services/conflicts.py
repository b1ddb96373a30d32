"""The unit of work's one rule for people writing at once: every way the database can say
"someone else wrote first" becomes the domain error `Conflict`.

Optimistic locking (`Story.version`) catches most races when the service checks the version;
the rest surface from the database at whatever moment the session talks to it: a flush on
commit or an autoflush before a query (StaleDataError, a unique or foreign-key race), a
PostgreSQL serialization failure, deadlock or lock timeout, SQLite's "database is locked".
They are translated here, once, for every service: the session's flush and commit, and every
statement the engine runs (its `handle_error` event). Views already answer a Conflict with 409
and the form refilled; `storyhub.errors` catches any that a view did not.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.session import Session
from sqlalchemy.orm.exc import StaleDataError

from storyhub.services.errors import Conflict

# PostgreSQL SQLSTATEs meaning "another transaction got there first; try again".
_PG_RACE_STATES = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "55P03",  # lock_not_available
        "23505",  # unique_violation: two inserts of the same key at once
        "23503",  # foreign_key_violation: the row pointed to was deleted meanwhile
    }
)
# SQLite says the same in words.
_SQLITE_RACE_WORDS = (
    "database is locked",
    "database table is locked",
    "database schema has changed",
    "unique constraint failed",
    "foreign key constraint failed",
)


def is_concurrent_write(error: BaseException) -> bool:
    """Did `error` come from another writer getting there first (not from a bug or outage)?"""
    if isinstance(error, Conflict | StaleDataError):
        return True
    if not isinstance(error, sa.exc.IntegrityError | sa.exc.OperationalError):
        return False
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state:
        return state in _PG_RACE_STATES
    words = str(original).lower()
    return any(phrase in words for phrase in _SQLITE_RACE_WORDS)


def _as_conflict(error: BaseException) -> Conflict:
    conflict = Conflict()
    conflict.__cause__ = error
    return conflict


class ConflictSession(Session):
    """Flask-SQLAlchemy's session whose flush (autoflush included) and commit raise Conflict
    for a concurrent write."""

    def flush(self, objects: Any = None) -> None:
        try:
            super().flush(objects)
        except (StaleDataError, sa.exc.IntegrityError, sa.exc.OperationalError) as error:
            if is_concurrent_write(error):
                raise _as_conflict(error) from error
            raise

    def commit(self) -> None:
        try:
            super().commit()
        except (StaleDataError, sa.exc.IntegrityError, sa.exc.OperationalError) as error:
            if is_concurrent_write(error):
                raise _as_conflict(error) from error
            raise


def _on_database_error(context: sa.engine.ExceptionContext) -> None:
    """Any statement (a query, a bulk UPDATE or DELETE, COMMIT) refused because of another
    writer raises Conflict instead of the driver's error."""
    error = context.sqlalchemy_exception
    if error is not None and not context.is_disconnect and is_concurrent_write(error):
        raise _as_conflict(error) from error


def init_engine(engine: sa.engine.Engine) -> None:
    if not sa.event.contains(engine, "handle_error", _on_database_error):
        sa.event.listen(engine, "handle_error", _on_database_error)
