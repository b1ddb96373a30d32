"""Admins' care of the taxonomy: topics (texts per language, order, suggestion keywords) and
diagnoses (a tree, names per language)."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.i18n import normalise_language_tag
from storyhub.models import Diagnosis, DiagnosisName, Topic, TopicText
from storyhub.sanitize import clean_line, clean_text, moderator_html
from storyhub.services.catalog import is_slug, taxonomy
from storyhub.services.errors import FieldError

MAX_KEYWORDS = 200
MAX_KEYWORD_LENGTH = 80


def fold(text: str) -> str:
    """Case- and accent-insensitive form used to match keywords: "Calcinósi" → "calcinosi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def parse_keywords(text: str) -> list[str]:
    """Split admin input (one per line or separated by commas) into distinct keywords."""
    seen: set[str] = set()
    keywords = []
    for raw in re.split(r"[\n,;]", text or ""):
        keyword = clean_line(raw)
        if not keyword or fold(keyword) in seen:
            continue
        if len(keyword) > MAX_KEYWORD_LENGTH:
            raise FieldError(
                "keywords", code="keyword_too_long", keyword=keyword[:30], max=MAX_KEYWORD_LENGTH
            )
        seen.add(fold(keyword))
        keywords.append(keyword)
    if len(keywords) > MAX_KEYWORDS:
        raise FieldError("keywords", code="too_many_keywords", max=MAX_KEYWORDS)
    return keywords


def topic_keywords(topic: Topic) -> list[str]:
    return [k for k in topic.keywords.split("\n") if k]


def _language(tag: str) -> str:
    language = normalise_language_tag(tag)
    if language is None:
        raise FieldError("language", code="language_unknown", tag=tag)
    return language


def _new_slug(model: type[Topic] | type[Diagnosis], slug: str) -> str:
    slug = slug.strip().lower()
    if not is_slug(slug) or len(slug) > 80:
        raise FieldError("slug", code="slug_invalid")
    if db.session.scalar(sa.select(model.id).filter_by(slug=slug)) is not None:
        raise FieldError("slug", code="slug_taken", slug=slug)
    return slug


def ordered_topics() -> list[Topic]:
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.slug)))


def create_topic(slug: str, position: int, language: str, title: str, description: str) -> Topic:
    """Create a topic page with its first title and description."""
    topic = Topic(slug=_new_slug(Topic, slug), position=position, keywords="")
    topic.texts.append(
        TopicText(
            language=_language(language), title=title, description_html=moderator_html(description)
        )
    )
    db.session.add(topic)
    db.session.commit()
    return topic


def update_topic(topic: Topic, position: int, keywords: str) -> None:
    """Change a topic's place in the list and the keywords that suggest it."""
    topic.position = position
    topic.keywords = "\n".join(parse_keywords(keywords))
    db.session.commit()


def save_topic_text(topic: Topic, language: str, title: str, description: str) -> TopicText:
    """Add or replace the topic's title and description in one language (description
    sanitised with the moderators' HTML allowlist)."""
    language = _language(language)
    text = next((t for t in topic.texts if t.language == language), None)
    if text is None:
        text = TopicText(language=language, title=title)
        topic.texts.append(text)
    text.title = title
    text.description_html = moderator_html(description)
    db.session.commit()
    return text


def diagnosis_ids_with_descendants(slug: str) -> list[int]:
    """The diagnosis with this slug and everything under it ([] when unknown), from the
    taxonomy snapshot (catalog.taxonomy), current as of the last committed change."""
    return list(taxonomy().subtree(slug))


def _parent(slug: str, child: Diagnosis | None = None) -> Diagnosis | None:
    if not slug:
        return None
    parent = db.session.scalar(sa.select(Diagnosis).filter_by(slug=slug))
    if parent is None:
        raise FieldError("parent", code="parent_unknown")
    if child is not None and parent.id in diagnosis_ids_with_descendants(child.slug):
        raise FieldError("parent", code="parent_is_descendant")
    return parent


def create_diagnosis(
    slug: str, parent_slug: str, position: int, language: str, name: str
) -> Diagnosis:
    diagnosis = Diagnosis(
        slug=_new_slug(Diagnosis, slug), parent=_parent(parent_slug), position=position
    )
    diagnosis.names.append(DiagnosisName(language=_language(language), name=name))
    db.session.add(diagnosis)
    db.session.commit()
    return diagnosis


def update_diagnosis(diagnosis: Diagnosis, parent_slug: str, position: int) -> None:
    diagnosis.parent = _parent(parent_slug, diagnosis)
    diagnosis.position = position
    db.session.commit()


def save_diagnosis_name(
    diagnosis: Diagnosis, language: str, name: str, description: str = ""
) -> None:
    """Save the name and the short reader-facing description (plain text, an administrator's
    own, so reviewed) in one language."""
    language = _language(language)
    description = clean_text(description)
    existing = next((n for n in diagnosis.names if n.language == language), None)
    if existing is None:
        diagnosis.names.append(DiagnosisName(language=language, name=name, description=description))
    else:
        existing.name = name
        existing.description = description
    db.session.commit()
