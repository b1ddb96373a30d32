"""Counting the work SQLite does for a request: its virtual machine's instructions, a figure
that does not move with the machine's load (tests/system/test_*_bounded.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from storyhub.extensions import db

STEP = 100  # instructions per progress-handler call


@contextmanager
def sqlite_work(app) -> Iterator[list[int]]:  # type: ignore[no-untyped-def]
    """Count, in hundreds, the instructions SQLite runs for statements executed inside the
    block: `ticks[0]` once the block is done."""
    ticks, touched = [0], []

    def tick() -> int:
        ticks[0] += 1
        return 0

    def install(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        raw = conn.connection.driver_connection
        raw.set_progress_handler(tick, STEP)
        touched.append(raw)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", install)
        try:
            yield ticks
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", install)
            for raw in touched:
                raw.set_progress_handler(None, STEP)
