"""The unit of work: one service call, one transaction.

Everything a service changes inside `with unit_of_work():` is committed when the block ends and
rolled back when it raises, so a refused change leaves nothing half-written in the session and
the views need not roll back. A concurrent writer surfaces here as `Conflict` (the session's
commit translates it: services/conflicts.py), after the rollback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from storyhub.extensions import db


@contextmanager
def unit_of_work() -> Iterator[None]:
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
