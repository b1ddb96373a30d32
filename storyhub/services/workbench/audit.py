"""The audit log: every recorded decision, newest first, filterable, in keyset pages.

Only state changes are recorded (ModerationEvent): opening a story writes nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, User

NO_ACTOR = "none"  # submitters and the system act without an account


@dataclass(frozen=True)
class LogFilters:
    actor: str = ""  # a user id, NO_ACTOR, or "" for everyone
    action: str = ""
    story: int | None = None
    since: date | None = None
    until: date | None = None

    def as_args(self) -> dict[str, str]:
        args = {
            "actor": self.actor,
            "action": self.action,
            "story": str(self.story) if self.story else "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in args.items() if v}


@dataclass
class LogEntry:
    event: ModerationEvent
    story_title: str


@dataclass
class LogPage:
    entries: list[LogEntry]
    next_before: int | None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def log_page(filters: LogFilters, before: int | None) -> LogPage:
    """Events matching the filters, newest first, older than event id `before`."""
    per_page = current_app.config["LOG_PAGE_SIZE"]
    query = sa.select(ModerationEvent, Story.title).join(
        Story, Story.id == ModerationEvent.story_id
    )
    if filters.actor == NO_ACTOR:
        query = query.where(ModerationEvent.actor_id.is_(None))
    elif filters.actor:
        query = query.where(ModerationEvent.actor_id == int(filters.actor))
    if filters.action:
        query = query.where(ModerationEvent.action == filters.action)
    if filters.story:
        query = query.where(ModerationEvent.story_id == filters.story)
    if filters.since:
        query = query.where(ModerationEvent.created_at >= _day_start(filters.since))
    if filters.until:
        query = query.where(
            ModerationEvent.created_at < _day_start(filters.until + timedelta(days=1))
        )
    if before:
        query = query.where(ModerationEvent.id < before)
    rows = db.session.execute(query.order_by(ModerationEvent.id.desc()).limit(per_page + 1)).all()
    entries = [LogEntry(event, title) for event, title in rows[:per_page]]
    return LogPage(entries, entries[-1].event.id if len(rows) > per_page else None)


def actor_choices() -> list[tuple[str, str]]:
    users = db.session.scalars(sa.select(User).order_by(User.email))
    return [
        ("", "Everyone"),
        *((str(u.id), u.email) for u in users),
        (NO_ACTOR, "Submitter or system"),
    ]


def actions() -> list[str]:
    """Every action the log has recorded, as stored ("request_changes")."""
    return list(
        db.session.scalars(
            sa.select(ModerationEvent.action).distinct().order_by(ModerationEvent.action)
        )
    )
