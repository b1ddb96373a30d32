"""Feeds and the sitemap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models import (
    Story,
    StoryStatus,
)
from storyhub.services.catalog.counts import (
    public_languages,
)
from storyhub.services.catalog.listings import (
    StoryFilters,
    filed_under,
    package_setting,
)
from storyhub.services.catalog.snapshot import (
    public_diagnoses,
    public_topics,
)
from storyhub.services.catalog.visibility import (
    is_public,
    is_syndicated,
    not_an_update,
    title_slug,
)


def feed_stories(filters: StoryFilters, limit: int = 50) -> list[Story]:
    """Newest public stories for a feed: originals, translations and updates, as published,
    of the authors who allow feeds."""
    query = sa.select(Story).where(is_public(), is_syndicated(), Story.published_at.is_not(None))
    source_id = sa.func.coalesce(Story.translation_of_id, Story.update_of_id, Story.id)
    query = filed_under(query, filters, source_id)
    return list(
        db.session.scalars(
            query.options(so.selectinload(Story.update_of))
            .order_by(Story.published_at.desc(), Story.id.desc())
            .limit(limit)
        )
    )


@dataclass
class SitemapStory:
    story_id: int
    slug: str
    language: str
    lastmod: datetime
    alternates: list[tuple[str, int, str]]  # (language, id, slug) of every public version


@dataclass
class Sitemap:
    lastmod: datetime | None  # the newest change to anything listed
    stories: list[SitemapStory]
    diagnoses: list[str]
    topics: list[str]
    languages: list[str]


# Stories are listed by id in blocks this size: each block's sitemap reads one id range (a
# primary-key range scan), so its cost does not grow with the site, a story never moves to
# another file, and the index only needs the highest id. (The protocol allows 50,000 URLs.)
SITEMAP_BLOCK = 10_000


def sitemap_blocks() -> int:
    """How many story sitemaps the index lists: enough blocks to reach the highest id."""
    highest = db.session.scalar(sa.select(sa.func.max(Story.id))) or 0
    return -(-highest // package_setting("SITEMAP_BLOCK"))


def sitemap_pages() -> Sitemap:
    """The pages that are not stories: listings, diagnoses, topics, languages."""
    newest = db.session.scalar(
        sa.select(Story.published_at)
        .where(Story.status == StoryStatus.PUBLISHED, Story.published_at.is_not(None))
        .order_by(Story.published_at.desc())
        .limit(1)
    )
    return Sitemap(
        lastmod=newest,
        stories=[],
        diagnoses=[d.slug for d in public_diagnoses()],
        topics=[t.slug for t in public_topics()],
        languages=[language for language, _count in public_languages()],
    )


def sitemap_stories(block: int) -> Sitemap:
    """Every public story page whose id falls in `block` (0-based), with when it last changed
    (an update changes the page of the story it continues) and its other public languages."""
    size = package_setting("SITEMAP_BLOCK")
    low, high = block * size + 1, (block + 1) * size
    in_block = Story.id.between(low, high)
    columns = (Story.id, Story.title, Story.language, Story.updated_at, Story.translation_of_id)
    rows = db.session.execute(
        sa.select(*columns).where(in_block, is_public(by_key=True), not_an_update(by_key=True))
    ).all()
    # Originals here may have translations with ids beyond the block, and translations here
    # originals before it: fetch those families by key (few: translations are rare).
    elsewhere = {r.translation_of_id for r in rows if r.translation_of_id} - {r.id for r in rows}
    related = sa.or_(
        Story.translation_of_id.between(low, high),
        Story.id.in_(elsewhere),
        Story.translation_of_id.in_(elsewhere),
    )
    versions_by_id = {r.id: r for r in rows}
    for row in db.session.execute(
        sa.select(*columns).where(related, is_public(by_key=True), not_an_update(by_key=True))
    ):
        versions_by_id.setdefault(row.id, row)
    versions: dict[int, list[tuple[str, int, str]]] = {}
    slugs: dict[int, str] = {}  # each title slugified once (10,000 of them cost most of the block)
    for row in sorted(versions_by_id.values(), key=lambda r: r.id):
        family = row.translation_of_id or row.id
        slugs[row.id] = title_slug(row.title)
        versions.setdefault(family, []).append((row.language, row.id, slugs[row.id]))
    update_times = dict(
        db.session.execute(
            sa.select(Story.update_of_id, sa.func.max(Story.updated_at))
            .where(
                sa.or_(Story.update_of_id.between(low, high), Story.update_of_id.in_(elsewhere)),
                is_public(by_key=True),
            )
            .group_by(Story.update_of_id)
        ).all()
    )
    stories = []
    for story_id, _title, language, updated, translation_of in sorted(rows, key=lambda r: r.id):
        family = translation_of or story_id
        later = update_times.get(family)
        stories.append(
            SitemapStory(
                story_id=story_id,
                slug=slugs[story_id],
                language=language,
                lastmod=max(updated, later) if later else updated,
                alternates=versions[family] if len(versions[family]) > 1 else [],
            )
        )
    return Sitemap(
        lastmod=max((s.lastmod for s in stories), default=None),
        stories=stories,
        diagnoses=[],
        topics=[],
        languages=[],
    )
