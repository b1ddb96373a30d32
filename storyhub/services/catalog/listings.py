"""Listings with keyset pagination: filters, cursors, pages of stories and their counts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from storyhub import pagecache
from storyhub.extensions import db
from storyhub.models import (
    Story,
    story_diagnoses,
    story_topics,
)
from storyhub.services.catalog.counts import (
    diagnosis_story_counts,
    topic_story_counts,
)
from storyhub.services.catalog.snapshot import (
    taxonomy,
)
from storyhub.services.catalog.teasers import (
    TEASER_COLUMNS,
    Teaser,
    TeaserSource,
    teaser_options,
    teasers,
)
from storyhub.services.catalog.visibility import (
    STORIES,
    is_original,
    is_public,
    is_syndicated,
)


@dataclass(frozen=True)
class Cursor:
    """A position in a newest-first listing: the (published_at, id) of a story on it."""

    published_at: datetime
    story_id: int

    @classmethod
    def of(cls, story: TeaserSource | Story) -> Cursor:
        assert story.published_at is not None
        return cls(story.published_at, story.id)

    def encode(self) -> str:
        raw = f"{self.published_at.astimezone(UTC).isoformat()}|{self.story_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor | None:
        """Return the cursor, or None for anything that is not one we made."""
        if not token or len(token) > 80 or not token.isascii():
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            moment, story_id = raw.split("|")
            published_at = datetime.fromisoformat(moment)
            number = int(story_id)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        if published_at.tzinfo is None or not 0 < number < 2**31:
            return None
        return cls(published_at.astimezone(UTC), number)


@dataclass(frozen=True)
class StoryFilters:
    """Filters combine (AND). A language lists translations into it as well as originals."""

    diagnosis: str = ""
    language: str = ""
    country: str = ""
    topic: str = ""

    def is_empty(self) -> bool:
        return not (self.diagnosis or self.language or self.country or self.topic)


@dataclass
class Listing:
    stories: list[Any]  # Story objects (list_stories) or teaser rows (list_teasers)
    newer: Cursor | None  # pass as `before` for the page of newer stories
    older: Cursor | None  # pass as `after` for the page of older stories

    @property
    def teasers(self) -> list[Teaser]:
        # Listings by language show each translation on its own; originals nest theirs.
        return teasers(self.stories)


def filtered(filters: StoryFilters, syndicated: bool = False) -> sa.Select[tuple[Story]]:
    query = _filtered_public(filters)
    return query.where(is_syndicated()) if syndicated else query


def _filtered_public(filters: StoryFilters, columns: Sequence[Any] = (Story,)) -> sa.Select[Any]:
    """Public stories matching `filters`: whole stories, or `columns` (plain Core)."""
    if filters.language:
        query = sa.select(*columns).where(
            is_public(), STORIES.c.update_of_id.is_(None), STORIES.c.language == filters.language
        )
        # Translations are filed under their original's diagnoses and topics.
        source_id: sa.ColumnElement[int] = sa.func.coalesce(
            STORIES.c.translation_of_id, STORIES.c.id
        )
    else:
        query = sa.select(*columns).where(is_public(), is_original())
        # Only originals: the plain id lets the database probe the link tables by key.
        source_id = STORIES.c.id
    query = filed_under(query, filters, source_id)
    if filters.country:
        query = query.where(STORIES.c.country == filters.country)
    # A published story always has a publication time; the keyset needs one.
    return query.where(STORIES.c.published_at.is_not(None))


def filed_under(
    query: sa.Select[tuple[Story]], filters: StoryFilters, source_id: sa.ColumnElement[int]
) -> sa.Select[tuple[Story]]:
    """Keep stories whose `source_id` (the story itself, or the original it translates or
    continues) has the filter's diagnosis (sub-diagnoses included) and topic."""
    # Correlated EXISTS, not IN (subquery): the database walks the newest-first index and
    # probes each story's links by primary key, stopping at the page size, instead of first
    # collecting every story with a common diagnosis (a set that grows with the site).
    known = taxonomy()
    if filters.diagnosis:
        ids = known.diagnosis_subtrees.get(filters.diagnosis, ())
        linked = sa.select(story_diagnoses.c.story_id).where(
            story_diagnoses.c.story_id == source_id, story_diagnoses.c.diagnosis_id.in_(ids)
        )
        query = query.where(linked.exists())
    if filters.topic:
        topic_id = known.topic_ids.get(filters.topic, -1)  # an unknown topic matches nothing
        linked = sa.select(story_topics.c.story_id).where(
            story_topics.c.story_id == source_id, story_topics.c.topic_id == topic_id
        )
        query = query.where(linked.exists())
    return query


def _older_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.or_(
        STORIES.c.published_at < cursor.published_at,
        sa.and_(STORIES.c.published_at == cursor.published_at, STORIES.c.id < cursor.story_id),
    )


def _newer_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.or_(
        STORIES.c.published_at > cursor.published_at,
        sa.and_(STORIES.c.published_at == cursor.published_at, STORIES.c.id > cursor.story_id),
    )


def _exists(query: sa.Select[tuple[Story]]) -> bool:
    return bool(db.session.scalar(sa.select(query.with_only_columns(STORIES.c.id).exists())))


def list_stories(
    filters: StoryFilters,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = 20,
    syndicated: bool = False,
) -> Listing:
    """One page of whole public stories (feeds, the API), newest first; `syndicated` keeps
    only those their authors allow in feeds and the API. See _keyset_page."""
    return _keyset_page(
        filtered(filters, syndicated),
        lambda query: list(db.session.scalars(query.options(*teaser_options()))),
        after,
        before,
        limit,
    )


def list_teasers(
    filters: StoryFilters,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = 20,
) -> Listing:
    """One page of public stories for the reader's listings, as teaser rows."""
    if after is None and before is None:
        return _first_teaser_page(filters, limit)
    return _keyset_page(
        filtered(filters),
        lambda query: list(db.session.execute(query.with_only_columns(*TEASER_COLUMNS))),
        after,
        before,
        limit,
    )


def _first_teaser_page(filters: StoryFilters, limit: int) -> Listing:
    """The first page, which most requests ask for (what _keyset_page does without a cursor):
    its statement is built once per filter set and publish generation (it holds taxonomy ids),
    since building it cost more than running it."""
    query = pagecache.per_generation(
        ("first-teaser-page", filters, limit),
        lambda: (
            filtered(filters)
            .with_only_columns(*TEASER_COLUMNS)
            .order_by(STORIES.c.published_at.desc(), STORIES.c.id.desc())
            .limit(limit + 1)
        ),
    )
    rows = list(db.session.execute(query))
    return Listing(
        stories=rows[:limit],
        newer=None,
        older=Cursor.of(rows[limit - 1]) if len(rows) > limit else None,
    )


def _keyset_page(
    base: sa.Select[tuple[Story]],
    fetch: Callable[[sa.Select[tuple[Story]]], list[Any]],
    after: Cursor | None,
    before: Cursor | None,
    limit: int,
) -> Listing:
    """Newest first, after or before a cursor (keyset paging): the cost of a page does not
    grow with how deep it is, and a story published while someone pages does not shift what
    they see next."""
    if before is not None:
        rows = fetch(
            base.where(_newer_than(before))
            .order_by(STORIES.c.published_at.asc(), STORIES.c.id.asc())
            .limit(limit + 1)
        )
        has_newer = len(rows) > limit
        rows = list(reversed(rows[:limit]))
        has_older = bool(rows) and _exists(base.where(_older_than(Cursor.of(rows[-1]))))
    else:
        query = base if after is None else base.where(_older_than(after))
        rows = fetch(
            query.order_by(STORIES.c.published_at.desc(), STORIES.c.id.desc()).limit(limit + 1)
        )
        has_older = len(rows) > limit
        rows = rows[:limit]
        has_newer = bool(rows) and after is not None
        has_newer = has_newer and _exists(base.where(_newer_than(Cursor.of(rows[0]))))
    return Listing(
        stories=rows,
        newer=Cursor.of(rows[0]) if has_newer else None,
        older=Cursor.of(rows[-1]) if has_older else None,
    )


# Counting a listing of a million stories on every request would cost more than the page:
# counts stop here ("1,000+") and are kept per publish generation.
COUNT_CAP = 1000


@dataclass(frozen=True)
class ListingCount:
    count: int
    capped: bool  # at least `count`: show "1,000+"


def listing_count(filters: StoryFilters) -> ListingCount:
    """How many stories a listing holds, exact up to COUNT_CAP; one query per filter set
    and publish generation (a diagnosis or topic alone reads the taxonomy counts)."""
    return pagecache.per_generation(("listing-count", filters), lambda: _listing_count(filters))


def _listing_count(filters: StoryFilters) -> ListingCount:
    known = taxonomy()
    if filters == StoryFilters(diagnosis=filters.diagnosis) and filters.diagnosis:
        own = known.diagnosis_subtrees[filters.diagnosis][0]
        return ListingCount(diagnosis_story_counts().get(own, 0), False)
    if filters == StoryFilters(topic=filters.topic) and filters.topic:
        return ListingCount(topic_story_counts().get(known.topic_ids[filters.topic], 0), False)
    cap = package_setting("COUNT_CAP")
    capped = filtered(filters).with_only_columns(STORIES.c.id).limit(cap + 1).subquery()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0
    return ListingCount(min(count, cap), count > cap)


def package_setting(name: str) -> int:
    """A limit as `catalog` exports it, read when used: it is the package's setting (a test
    or an operator changes `catalog.COUNT_CAP`, not this module's copy)."""
    from storyhub.services import catalog

    return getattr(catalog, name)


def cursor_after_pages(filters: StoryFilters, pages: int, per_page: int) -> Cursor | None:
    """The cursor of the last story on page `pages` of a listing: turns old ?page= links into
    keyset links. Walks the keyset a page at a time (no OFFSET: each step reads one page of
    the newest-first index). None when the listing is shorter."""
    keys = filtered(filters).with_only_columns(STORIES.c.published_at, STORIES.c.id)
    cursor: Cursor | None = None
    for _page in range(pages):
        query = keys if cursor is None else keys.where(_older_than(cursor))
        rows = db.session.execute(
            query.order_by(STORIES.c.published_at.desc(), STORIES.c.id.desc()).limit(per_page)
        ).all()
        if len(rows) < per_page:
            return None
        published_at, story_id = rows[-1]
        cursor = Cursor(published_at, story_id)
    return cursor
