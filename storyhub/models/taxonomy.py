"""Diagnoses (a small tree) and topic pages, each with names per language."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db


class Diagnosis(db.Model):
    __tablename__ = "diagnoses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("diagnoses.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)

    parent: so.Mapped[Diagnosis | None] = so.relationship(
        remote_side=[id], back_populates="children"
    )
    children: so.Mapped[list[Diagnosis]] = so.relationship(back_populates="parent")
    names: so.Mapped[list[DiagnosisName]] = so.relationship(
        back_populates="diagnosis", cascade="all, delete-orphan", lazy="selectin"
    )

    def name(self, locale: str) -> str:
        """Return the name in `locale`, falling back to English, then the slug."""
        by_language = {n.language: n.name for n in self.names}
        return by_language.get(locale) or by_language.get("en") or self.slug

    def __repr__(self) -> str:
        return f"<Diagnosis {self.slug}>"


class DiagnosisName(db.Model):
    __tablename__ = "diagnosis_names"
    __table_args__ = (sa.UniqueConstraint("diagnosis_id", "language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    diagnosis_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("diagnoses.id", ondelete="CASCADE")
    )
    language: so.Mapped[str] = so.mapped_column(sa.String(35))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # A short plain-text description an administrator wrote (and so reviewed) for readers.
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    diagnosis: so.Mapped[Diagnosis] = so.relationship(back_populates="names")


class Topic(db.Model):
    __tablename__ = "topics"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    # Terms that suggest this topic for a story, any language, one per line; each matches
    # words that start with it, ignoring case and accents ("calcinosi" finds "calcinosis").
    keywords: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    texts: so.Mapped[list[TopicText]] = so.relationship(
        back_populates="topic", cascade="all, delete-orphan", lazy="selectin"
    )

    def text(self, locale: str) -> TopicText | None:
        """Return the title and description in `locale`, falling back to English."""
        by_language = {t.language: t for t in self.texts}
        return by_language.get(locale) or by_language.get("en") or next(iter(self.texts), None)

    def title(self, locale: str) -> str:
        text = self.text(locale)
        return text.title if text else self.slug

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"


class TopicText(db.Model):
    """A topic's title and sanitised description in one language."""

    __tablename__ = "topic_texts"
    __table_args__ = (sa.UniqueConstraint("topic_id", "language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(35))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    topic: so.Mapped[Topic] = so.relationship(back_populates="texts")
