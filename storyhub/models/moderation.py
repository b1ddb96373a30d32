"""What moderators keep beside a story: revisions of their edits, soft review markers, and the
preset reasons for rejecting."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models._types import UTCDateTime, utcnow

# `StoryRevision.changed` of the snapshot taken when a moderator sends a story back to its
# author (request changes, or edits sent for the author's approval): what the author was
# shown, so their new version can be compared with it. Not an edit: history lists skip it.
SENT_BACK = "sent-back"


class StoryRevision(db.Model):
    """A snapshot of the editable fields after a moderator's edit.

    The first edit of a story also stores the state before it (actor None, "as submitted"),
    so every version a moderator saw can be shown again. Erasure deletes these rows: they
    hold the story's words.
    """

    __tablename__ = "story_revisions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    story_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stories.id"), index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    excerpt: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    author_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    content_note: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    # The details an author chose and a moderator may correct ("" in revisions made before).
    language: so.Mapped[str] = so.mapped_column(sa.String(35), default="", server_default="")
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="", server_default="")
    relation: so.Mapped[str] = so.mapped_column(sa.String(20), default="", server_default="")
    # Why the moderator corrected the author's choices; the author reads it on their page.
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # Slugs separated by spaces: a snapshot, not a link (a topic may be renamed or removed).
    diagnoses: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    topics: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Which fields this revision changed, separated by spaces; empty for "as submitted".
    changed: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    actor = so.relationship("User", lazy="joined")

    @property
    def changed_fields(self) -> list[str]:
        return self.changed.split()

    def __repr__(self) -> str:
        return f"<StoryRevision {self.story_id}#{self.id}>"


class ReviewMarker(db.Model):
    """ "Being reviewed by X since HH:MM": a hint, never a lock. A marker counts only while
    its `seen_at` is recent, so one left behind by a closed browser tab expires by itself."""

    __tablename__ = "review_markers"

    story_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)

    user = so.relationship("User", lazy="joined")


class RejectReason(db.Model):
    """A preset reason for rejecting, kept by admins; its text goes to the author."""

    __tablename__ = "reject_reasons"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(80))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    position: so.Mapped[int] = so.mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<RejectReason {self.id}>"
