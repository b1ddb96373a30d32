"""The durable outbox: e-mails written in the same transaction as the change they report,
delivered later by `flask outbox send`, so a mail-server outage loses nothing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models._types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The sender's one query: unsent messages whose next attempt is due.
        sa.Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    to_address: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Emptied once sent: a receipt carries the manage link, which is stored nowhere else.
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # Which story and which person a message is about, so erasure can remove it.
    story_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("stories.id", ondelete="CASCADE"), index=True
    )
    submitter_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("submitters.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # When a sender may next pick it up. Claiming pushes it forward by a lease, so a sender
    # that dies mid-send leaves the message to be retried, never stuck.
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    # The error's class only: SMTP replies can quote the recipient's address.
    last_error: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # The one-click unsubscribe URL of a digest or confirmation (List-Unsubscribe header).
    unsubscribe_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    def __repr__(self) -> str:  # never the address: reprs end up in logs
        return f"<OutboxMessage {self.id} {self.kind}>"


class LinkRequest(db.Model):
    """Someone asked at /my/ for the private links of an address's stories.

    The request page only adds this row, whatever the address, so it answers alike and in the
    same time; `flask outbox send` looks the address up later and queues the e-mail, if any.
    The address itself is emptied once the request is handled; only its keyed hash stays, for
    the per-address limit.
    """

    __tablename__ = "link_requests"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    address_hash: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    locale: so.Mapped[str] = so.mapped_column(sa.String(10), default="en")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    handled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime(), index=True)
    # Whether handling it queued an e-mail (stories were found and the limit allowed it).
    mailed: so.Mapped[bool] = so.mapped_column(default=False)

    def __repr__(self) -> str:  # never the address: reprs end up in logs
        return f"<LinkRequest {self.id}>"
