"""One story: its page, related stories and stories like it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.i18n import country_name, current_locale, language_autonym
from storyhub.models import (
    Diagnosis,
    Relation,
    Story,
    StoryStatus,
    Topic,
    story_diagnoses,
    story_topics,
)
from storyhub.services.catalog.neighbours import nearest_first, neighbours, shared_count
from storyhub.services.catalog.snapshot import taxonomy
from storyhub.services.catalog.teasers import (
    TEASER_COLUMNS,
    Teaser,
    source_id_of,
    source_of,
    teasers,
)
from storyhub.services.catalog.visibility import (
    STORIES,
    is_public,
    is_syndicated,
)


def public_story(story_id: int, syndicated: bool = False) -> Story | None:
    """Return the published story with this id, or None (unknown, unpublished, or hidden);
    with `syndicated`, only if its author allows it in feeds and the API."""
    return db.session.scalar(
        sa.select(Story)
        .where(STORIES.c.id == story_id, is_public(), is_syndicated() if syndicated else sa.true())
        .options(
            so.selectinload(Story.diagnoses),
            so.selectinload(Story.topics),
            so.selectinload(Story.translations),
            so.selectinload(Story.updates),
        )
    )


# How many related stories a story page shows, and stories like it per group on its page.
RELATED_SHOWN = 5
LIKE_SHOWN = 20


def related_teasers(
    story_id: int, diagnosis_ids: list[int], limit: int = RELATED_SHOWN
) -> list[Teaser]:
    """Other public originals sharing a diagnosis with the original `story_id`, filed under
    `diagnosis_ids`, chosen among its neighbours (catalog/neighbours.py: under each diagnosis
    the nearest earlier stories, so a later publish never changes the list): most diagnoses
    shared first, then nearest first."""
    candidates = neighbours(story_id, diagnosis_ids, limit)
    ids = [*candidates.earlier, *candidates.later]
    if not ids:
        return []
    parameters = {"ids": ids, "diagnoses": diagnosis_ids, "story": story_id, "limit": limit}
    return teasers(list(db.session.execute(_RELATED, parameters)), with_translations=False)


# Built once (the ids as expanding parameters): building a select costs a story page more
# than SQLite takes to answer it.
_RELATED = (
    sa.select(*TEASER_COLUMNS)
    .where(STORIES.c.id.in_(sa.bindparam("ids", expanding=True)), is_public(by_key=True))
    .order_by(
        shared_count(sa.bindparam("diagnoses", expanding=True)).desc(),
        *nearest_first(sa.bindparam("story", type_=sa.Integer)),
    )
    .limit(sa.bindparam("limit", type_=sa.Integer))
)


@dataclass
class StoriesLike:
    """Stories sharing a story's diagnoses: first those readable in the reader's language
    (written in it or translated into it), then the others, each with its translations."""

    story: Story
    diagnoses: list[tuple[Diagnosis, str]]  # the story's, named in the reader's language
    in_language: list[Teaser]
    others: list[Teaser]
    language: str


def stories_like(story: Story, language: str, limit: int = LIKE_SHOWN) -> StoriesLike:
    """Chosen among the original's neighbours as the related stories are (most diagnoses in
    common first, then nearest); at most `limit` in each group, so the page costs the same
    whatever the site's size."""
    original = source_of(story)
    diagnosis_ids = [d.id for d in original.diagnoses]
    named = [(d, d.name(current_locale())) for d in original.diagnoses]
    candidates = neighbours(original.id, diagnosis_ids, limit)
    ids = [*candidates.earlier, *candidates.later]
    if not ids:
        return StoriesLike(story, named, [], [], language)
    in_language = STORIES.c.language.startswith(language.split("-")[0], autoescape=True)
    source_id = sa.func.coalesce(STORIES.c.translation_of_id, STORIES.c.id)
    order = (
        shared_count(diagnosis_ids, source_id).desc(),
        *nearest_first(original.id, source_id),
        STORIES.c.id,
    )
    readable = list(
        db.session.execute(
            sa.select(*TEASER_COLUMNS)
            .where(
                sa.or_(STORIES.c.id.in_(ids), STORIES.c.translation_of_id.in_(ids)),
                is_public(by_key=True),
                # Not an update, written so that no index serves it: SQLite would otherwise
                # walk every original (update_of_id IS NULL) instead of these few ids.
                sa.func.coalesce(STORIES.c.update_of_id, 0) == 0,
                in_language,
            )
            .order_by(*order)
            .limit(limit)
        )
    )
    seen = {source_id_of(row) for row in readable}
    others = [
        row
        for row in db.session.execute(
            sa.select(*TEASER_COLUMNS)
            .where(STORIES.c.id.in_(ids), is_public(by_key=True), sa.not_(in_language))
            .order_by(*order)
            .limit(limit + len(seen))
        )
        if row.id not in seen
    ][:limit]
    return StoriesLike(
        story, named, teasers(readable, with_translations=False), teasers(others), language
    )


# What the story page shows of a story, read as one select of columns (no ORM object, no
# relationship loaders: they cost the story page more than its SQL did, see bench/RESULTS.md).
_STORY_COLUMNS = (
    STORIES.c.id,
    STORIES.c.title,
    STORIES.c.author_name,
    STORIES.c.language,
    STORIES.c.country,
    STORIES.c.excerpt,
    STORIES.c.body_html,  # sanitised when stored
    STORIES.c.content_note,
    STORIES.c.relation,
    STORIES.c.relation_detail,
    STORIES.c.translator_name,
    STORIES.c.published_at,
    STORIES.c.updated_at,
    STORIES.c.translation_of_id,
    STORIES.c.update_of_id,
    STORIES.c.allow_translation,
    STORIES.c.version,
)


@dataclass(frozen=True, slots=True)
class PublicStory:
    """A public story as the reader's pages show it: plain values."""

    id: int
    title: str
    author_name: str
    language: str
    country: str
    excerpt: str
    body_html: str
    content_note: str
    relation: Relation
    relation_detail: str
    translator_name: str
    published_at: datetime
    updated_at: datetime
    translation_of_id: int | None
    update_of_id: int | None
    allow_translation: bool
    version: int
    update_of: PublicStory | None = None  # an update's original: its page holds the update


def _public_stories(
    *conditions: sa.ColumnElement[bool], order: tuple[Any, ...] = (STORIES.c.id,)
) -> list[PublicStory]:
    rows = db.session.execute(sa.select(*_STORY_COLUMNS).where(*conditions).order_by(*order))
    return [PublicStory(*row) for row in rows]


def find_public_story(story_id: int) -> PublicStory | None:
    """The published story with this id as plain values (None: unknown, unpublished or
    hidden); an update comes with its original (public too: `is_public` asks that)."""
    found = _public_stories(STORIES.c.id == story_id, is_public())
    if not found:
        return None
    story = found[0]
    if story.update_of_id is not None:
        original = _public_stories(STORIES.c.id == story.update_of_id)
        return replace(story, update_of=original[0]) if original else None
    return story


@dataclass
class StoryPage:
    story: Any  # PublicStory (the reader) or Story (the API): what was asked for
    original: PublicStory
    updates: list[PublicStory]  # published, oldest first, each with `update_of` set
    languages: list[tuple[PublicStory, str]]  # every public language version, original first
    diagnoses: str  # in the story's language, for the byline
    country: str
    filed_under: list[tuple[str, str]]  # (slug, name in the reader's language), for links
    topics: list[tuple[str, str]]  # (slug, title in the reader's language)
    related: list[Teaser]


def story_page(story: PublicStory | Story, with_related: bool = True) -> StoryPage:
    """Gather what the story page shows: its public updates and all its public languages,
    as plain rows; diagnosis and topic names from the taxonomy snapshot; the related stories
    unless not `with_related` (the API does not show them)."""
    published = STORIES.c.status == StoryStatus.PUBLISHED
    # For the updates, a status test no index can serve: SQLite would otherwise walk the
    # (status, submitted_at) index over every published story instead of the few updates.
    published_by_key = sa.func.lower(STORIES.c.status) == StoryStatus.PUBLISHED.value
    original_id = story.translation_of_id or story.id
    original, *translations = _public_stories(
        sa.or_(
            STORIES.c.id == original_id,
            sa.and_(STORIES.c.translation_of_id == original_id, published),
        )
    )
    if original.id != original_id:  # ids ascend: a translation never precedes its original
        raise LookupError(f"story {original_id} is not there")
    if not original.allow_translation:
        translations = []
    updates = [
        replace(update, update_of=original)
        for update in _public_stories(
            STORIES.c.update_of_id == original_id,
            published_by_key,
            order=(STORIES.c.submitted_at, STORIES.c.id),
        )
    ]
    known = taxonomy()
    diagnosis_ids = list(
        db.session.scalars(
            sa.select(story_diagnoses.c.diagnosis_id)
            .join(Diagnosis.__table__, Diagnosis.__table__.c.id == story_diagnoses.c.diagnosis_id)
            .where(story_diagnoses.c.story_id == original_id)
            .order_by(Diagnosis.__table__.c.position, Diagnosis.__table__.c.id)
        )
    )
    topic_slugs = list(
        db.session.scalars(
            sa.select(Topic.__table__.c.slug)
            .join(story_topics, story_topics.c.topic_id == Topic.__table__.c.id)
            .where(story_topics.c.story_id == original_id)
            .order_by(Topic.__table__.c.position, Topic.__table__.c.id)
        )
    )
    language = story.language.split("-")[0]
    reader = current_locale()
    return StoryPage(
        story=story,
        original=original,
        updates=updates,
        languages=[(v, language_autonym(v.language)) for v in (original, *translations)],
        diagnoses=", ".join(known.diagnosis_name(d, language) for d in diagnosis_ids),
        country=country_name(story.country, language),
        filed_under=[
            (known.diagnosis_slugs[d], known.diagnosis_name(d, reader)) for d in diagnosis_ids
        ],
        topics=[(slug, known.topic_title(slug, reader)) for slug in topic_slugs],
        related=related_teasers(original_id, diagnosis_ids) if with_related else [],
    )
