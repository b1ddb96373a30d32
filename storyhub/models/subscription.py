"""Readers who follow a diagnosis or a topic by e-mail (double opt-in, weekly digest)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models._types import UTCDateTime, utcnow
from storyhub.models.taxonomy import Diagnosis, Topic


class Subscription(db.Model):
    """One address following one diagnosis or one topic.

    Nothing is sent but the confirmation until `confirmed_at` is set. Removing the diagnosis or
    topic removes its subscriptions (ON DELETE CASCADE); `services.subscriptions.move` carries
    them over when one is folded into another.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        sa.CheckConstraint("(diagnosis_id IS NULL) <> (topic_id IS NULL)", name="one_target"),
        sa.Index("ix_subscriptions_address_hash", "address_hash"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    # A keyed hash of the address: finds an address's subscriptions without comparing text.
    address_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    locale: so.Mapped[str] = so.mapped_column(sa.String(10), default="en")
    diagnosis_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("diagnoses.id", ondelete="CASCADE"), index=True
    )
    topic_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Stories published after this moment go into the next digest.
    last_digest_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    diagnosis: so.Mapped[Diagnosis | None] = so.relationship()
    topic: so.Mapped[Topic | None] = so.relationship()

    def __repr__(self) -> str:  # never the address: reprs end up in logs
        return f"<Subscription {self.id}>"
