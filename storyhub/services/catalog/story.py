"""One story: its page, related stories and stories like it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.i18n import country_name, current_locale, language_autonym
from storyhub.models import (
    Diagnosis,
    Story,
    StoryStatus,
    Topic,
    story_diagnoses,
)
from storyhub.services.catalog.teasers import (
    TEASER_COLUMNS,
    Teaser,
    original_rows,
    public_translations,
    source_id_of,
    source_of,
    teasers,
)
from storyhub.services.catalog.visibility import (
    is_public,
    is_syndicated,
)


def public_story(story_id: int, syndicated: bool = False) -> Story | None:
    """Return the published story with this id, or None (unknown, unpublished, or hidden);
    with `syndicated`, only if its author allows it in feeds and the API."""
    return db.session.scalar(
        sa.select(Story)
        .where(Story.id == story_id, is_public(), is_syndicated() if syndicated else sa.true())
        .options(
            so.selectinload(Story.diagnoses),
            so.selectinload(Story.topics),
            so.selectinload(Story.translations),
            so.selectinload(Story.updates),
        )
    )


def _sharing_diagnoses(story_id: int, diagnosis_ids: list[int]) -> sa.Subquery:
    """Other stories filed under any of `diagnosis_ids`, with how many they share."""
    return (
        sa.select(story_diagnoses.c.story_id, sa.func.count().label("shared"))
        .where(
            story_diagnoses.c.diagnosis_id.in_(diagnosis_ids),
            story_diagnoses.c.story_id != story_id,
        )
        .group_by(story_diagnoses.c.story_id)
        .subquery()
    )


def related_teasers(story: Story, limit: int = 5) -> list[Teaser]:
    """Other public stories sharing a diagnosis with `story`: most shared first, then newest."""
    original = source_of(story)
    diagnosis_ids = [d.id for d in original.diagnoses]
    if not diagnosis_ids:
        return []
    shared = _sharing_diagnoses(original.id, diagnosis_ids)
    rows = db.session.execute(
        original_rows()
        .join(shared, shared.c.story_id == Story.id)
        .order_by(None)
        .order_by(shared.c.shared.desc(), Story.published_at.desc(), Story.id.desc())
        .limit(limit)
    )
    return teasers(list(rows), with_translations=False)


@dataclass
class StoriesLike:
    """Stories sharing a story's diagnoses: first those readable in the reader's language
    (written in it or translated into it), then the others, each with its translations."""

    story: Story
    diagnoses: list[tuple[Diagnosis, str]]  # the story's, named in the reader's language
    in_language: list[Teaser]
    others: list[Teaser]
    language: str


def stories_like(story: Story, language: str, limit: int = 20) -> StoriesLike:
    """Most diagnoses in common first, then newest; at most `limit` in each group, so the
    page costs the same whatever the site's size (two index probes per candidate)."""
    original = source_of(story)
    diagnosis_ids = [d.id for d in original.diagnoses]
    named = [(d, d.name(current_locale())) for d in original.diagnoses]
    if not diagnosis_ids:
        return StoriesLike(story, named, [], [], language)
    shared = _sharing_diagnoses(original.id, diagnosis_ids)
    in_language = Story.language.startswith(language.split("-")[0], autoescape=True)
    source_id = sa.func.coalesce(Story.translation_of_id, Story.id)
    readable = list(
        db.session.execute(
            sa.select(*TEASER_COLUMNS)
            .join(shared, shared.c.story_id == source_id)
            .where(is_public(), Story.update_of_id.is_(None), in_language)
            .order_by(shared.c.shared.desc(), Story.published_at.desc(), Story.id.desc())
            .limit(limit)
        )
    )
    seen = {source_id_of(row) for row in readable}
    others = [
        row
        for row in db.session.execute(
            original_rows()
            .join(shared, shared.c.story_id == Story.id)
            .where(sa.not_(in_language))
            .order_by(None)
            .order_by(shared.c.shared.desc(), Story.published_at.desc(), Story.id.desc())
            .limit(limit + len(seen))
        )
        if row.id not in seen
    ][:limit]
    return StoriesLike(
        story, named, teasers(readable, with_translations=False), teasers(others), language
    )


@dataclass
class StoryPage:
    story: Story
    original: Story
    updates: list[Story]
    languages: list[tuple[Story, str]]  # every public language version, original first
    diagnoses: str  # in the story's language, for the byline
    country: str
    filed_under: list[tuple[Diagnosis, str]]  # in the reader's language, for links
    topics: list[tuple[Topic, str]]
    related: list[Teaser]


def story_page(story: Story) -> StoryPage:
    """Gather what the story page shows: its public updates and all its public languages."""
    original = story.translation_of if story.translation_of_id else story
    assert original is not None
    versions = [original, *public_translations(original)]
    language = story.language.split("-")[0]
    reader = current_locale()
    return StoryPage(
        story=story,
        original=original,
        updates=[u for u in original.updates if u.status is StoryStatus.PUBLISHED],
        languages=[(v, language_autonym(v.language)) for v in versions],
        diagnoses=", ".join(d.name(language) for d in original.diagnoses),
        country=country_name(story.country, language),
        filed_under=[(d, d.name(reader)) for d in original.diagnoses],
        topics=[(t, t.title(reader)) for t in original.topics],
        related=related_teasers(original),
    )
