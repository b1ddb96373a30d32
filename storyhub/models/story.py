"""Stories, their translations and updates, and their links to diagnoses and topics."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models._types import UTCDateTime, utcnow
from storyhub.models.people import Submitter, User
from storyhub.models.taxonomy import Diagnosis, Topic


class StoryStatus(enum.StrEnum):
    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    # A moderator changed the words beyond small fixes: the author is asked to accept the
    # edited version (it then publishes) or to reply (it goes back to the queue).
    AWAITING_AUTHOR = "awaiting_author"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


class Relation(enum.StrEnum):
    SELF = "self"
    FAMILY = "family"
    PARTNER = "partner"
    CAREGIVER = "caregiver"
    FRIEND = "friend"
    OTHER = "other"


def _str_enum(enum_class: type[enum.StrEnum]) -> sa.Enum:
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


story_diagnoses = sa.Table(
    "story_diagnoses",
    db.metadata,
    sa.Column("story_id", sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("diagnosis_id", sa.ForeignKey("diagnoses.id", ondelete="CASCADE"), primary_key=True),
    # With the story: a story's neighbours under a diagnosis (the nearest earlier stories,
    # services/catalog/story.py) are a walk of this index from the story's id, whatever the
    # size of the diagnosis.
    sa.Index("ix_story_diagnoses_diagnosis_id_story_id", "diagnosis_id", "story_id"),
)

story_topics = sa.Table(
    "story_topics",
    db.metadata,
    sa.Column("story_id", sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_story_topics_topic_id", "topic_id"),
)


class Story(db.Model):
    __tablename__ = "stories"
    __table_args__ = (
        sa.Index("ix_stories_status_published_at", "status", "published_at"),
        sa.Index("ix_stories_status_submitted_at", "status", "submitted_at"),
        # With the status, so that "published translations of these stories" walks this index
        # rather than every published story (SQLite has no statistics to tell them apart).
        sa.Index("ix_stories_translation_of_id_status", "translation_of_id", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    status: so.Mapped[StoryStatus] = so.mapped_column(
        _str_enum(StoryStatus), default=StoryStatus.PENDING
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    # The text exactly as submitted (private); body_html is the sanitised text readers see.
    body_text: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    excerpt: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    # On a translation always the original's name (services/translations.share_byline): a
    # translator never becomes the author of someone else's story.
    author_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    # "Translated by …": the translator's own credit, optional and only on translations.
    translator_name: so.Mapped[str] = so.mapped_column(sa.String(80), default="", server_default="")
    relation: so.Mapped[Relation] = so.mapped_column(_str_enum(Relation), default=Relation.SELF)
    relation_detail: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    country: so.Mapped[str] = so.mapped_column(sa.String(2), index=True)
    language: so.Mapped[str] = so.mapped_column(sa.String(35), index=True)
    moderator_message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Set when the text reads clearly as another language than the one declared and the
    # submitter confirmed their choice: a flag for moderators, never a refusal.
    detected_language: so.Mapped[str | None] = so.mapped_column(sa.String(35))
    # Translations: fingerprint of the original's title and text as last translated or approved;
    # when the original's differs, the translation "may be out of date".
    source_fingerprint: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # The title and name as the author last wrote or accepted them (private); with body_text
    # they are what a moderator's edits are measured against (services/edit_check.py).
    agreed_title: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    agreed_author_name: so.Mapped[str] = so.mapped_column(
        sa.String(80), default="", server_default=""
    )
    # The author's answer when asked to accept a moderator's edits (private; moderators only).
    author_reply: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # Shown before the text on the story page, in feeds and the API, e.g. "describes a death".
    content_note: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    # Distress or self-harm words found in what the submitter wrote: read first.
    priority: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Consents per use (the records are in `consents`); these are the effective switches
    # public queries read. A new submission sets them from the form; older rows and stories
    # made by other paths (demo data) default to allowed, as before consents were separate.
    allow_translation: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    allow_syndication: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())

    # Assisted entry (services/assisted.py): how the story reached a volunteer or moderator
    # who typed it in (None: the author used the web form), who that was, how the author
    # consented when they have no e-mail address, and when the author confirmed the text.
    # An assisted story is published only once the author confirmed (or consent was recorded).
    arrived_by: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    # A user id without a foreign key: SQLite cannot add one in place (migration 0009);
    # accounts are deactivated, never deleted.
    entered_by_id: so.Mapped[int | None] = so.mapped_column()
    consent_note: so.Mapped[str] = so.mapped_column(sa.String(500), default="", server_default="")
    author_confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # "Ask for another look" (services/appeals.py), once per story: the author's message, and
    # when. A different moderator than the one who rejected it decides; that decision is final.
    appeal_message: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    appealed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    submitted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )
    version: so.Mapped[int] = so.mapped_column(default=1)

    # A random key from the form: a double click or re-POST finds the story it already made.
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    submitter_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("submitters.id", ondelete="SET NULL"), index=True
    )
    translation_of_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stories.id"))
    update_of_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stories.id"), index=True)

    submitter: so.Mapped[Submitter | None] = so.relationship()
    entered_by: so.Mapped[User | None] = so.relationship(
        primaryjoin="foreign(Story.entered_by_id) == User.id", viewonly=True
    )
    diagnoses: so.Mapped[list[Diagnosis]] = so.relationship(
        secondary=story_diagnoses, order_by="Diagnosis.position"
    )
    topics: so.Mapped[list[Topic]] = so.relationship(
        secondary=story_topics, order_by="Topic.position"
    )
    translation_of: so.Mapped[Story | None] = so.relationship(
        remote_side=[id], foreign_keys=[translation_of_id], back_populates="translations"
    )
    translations: so.Mapped[list[Story]] = so.relationship(
        foreign_keys=[translation_of_id], back_populates="translation_of", order_by="Story.id"
    )
    update_of: so.Mapped[Story | None] = so.relationship(
        remote_side=[id], foreign_keys=[update_of_id], back_populates="updates"
    )
    updates: so.Mapped[list[Story]] = so.relationship(
        foreign_keys=[update_of_id], back_populates="update_of", order_by="Story.submitted_at"
    )

    # SQLAlchemy adds "AND version = :old" to every UPDATE: a concurrent writer raises
    # StaleDataError instead of silently overwriting.
    __mapper_args__ = {"version_id_col": version}

    @property
    def kind(self) -> str:
        if self.translation_of_id:
            return "translation"
        if self.update_of_id:
            return "update"
        return "story"

    @property
    def awaits_author_confirmation(self) -> bool:
        """Entered on the author's behalf, and the author has not confirmed the text yet."""
        return self.entered_by_id is not None and self.author_confirmed_at is None

    def __repr__(self) -> str:
        return f"<Story {self.id} {self.status}>"
