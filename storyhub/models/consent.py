"""Consent per use, tied to the text it was given for, and the helplines shown to a submitter
whose words suggest distress."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models._types import UTCDateTime, utcnow


class ConsentPurpose(enum.StrEnum):
    PUBLISH = "publish"  # on this site (required to submit)
    TRANSLATE = "translate"  # volunteers may translate it
    SYNDICATE = "syndicate"  # in feeds and the API


class Consent(db.Model):
    """One agreement: what for, to which text (a fingerprint of title and text), in which
    wording and interface language, when; and when it was withdrawn.

    Rows are never rewritten except to note a withdrawal: when the text changes while a
    consent stands (the author edits it, or accepts a moderator's version), a new row ties
    the same consent to the new text. The consent in force for a purpose is its latest row.
    """

    __tablename__ = "consents"
    __table_args__ = (sa.Index("ix_consents_story_id_purpose", "story_id", "purpose"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    story_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stories.id"))
    purpose: so.Mapped[ConsentPurpose] = so.mapped_column(
        sa.Enum(
            ConsentPurpose,
            native_enum=False,
            length=20,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    text_version: so.Mapped[str] = so.mapped_column(sa.String(64))
    wording_version: so.Mapped[str] = so.mapped_column(sa.String(40))
    locale: so.Mapped[str] = so.mapped_column(sa.String(10), default="en")
    given_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None

    def __repr__(self) -> str:
        return f"<Consent {self.story_id} {self.purpose}>"


class Helpline(db.Model):
    """Where to find help in one country, kept by admins (the shipped list applies until they
    save their own: services/helplines.py)."""

    __tablename__ = "helplines"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    country: so.Mapped[str] = so.mapped_column(sa.String(2), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    phone: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    url: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    notes: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Helpline {self.id} {self.country}>"
