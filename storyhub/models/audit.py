"""The append-only record of every decision about a story."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models._types import UTCDateTime, utcnow


class ModerationEvent(db.Model):
    __tablename__ = "moderation_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Plain ids, not cascading links: erasure keeps the event with ids and actions only.
    story_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stories.id"), index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    from_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(20))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor = so.relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<ModerationEvent {self.story_id} {self.action}>"
