"""Listings with keyset pagination: filters, cursors, pages of stories and their counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from storyhub import cache_versions
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
from storyhub.services.catalog.cursors import (
    Cursor,
    may_follow,
    newer_than,
    newest_first,
    older_than,
    walk,
    window_end,
    window_keys,
    within_window,
)
from storyhub.services.catalog.snapshot import (
    taxonomy,
)
from storyhub.services.catalog.teasers import (
    TEASER_COLUMNS,
    Teaser,
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
    # The page looked through SCAN_WINDOW stories and found fewer than a page: more may match
    # past them (the pager continues from where it stopped).
    looked_through: bool = False

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
    first_window_done = False
    if after is None and before is None:
        first = _first_teaser_page(filters, limit)
        if first.older is not None:
            return first  # full within the first window: most listings
        first_window_done = True
    return _keyset_page(
        _filtered_public(filters, TEASER_COLUMNS),
        lambda query: list(db.session.execute(query)),
        after,
        before,
        limit,
        first_window_done,
    )


def _first_teaser_page(filters: StoryFilters, limit: int) -> Listing:
    """The first page, which most requests ask for, when it fills within the first window:
    its statement is built once per filter set and publish generation (it holds taxonomy ids),
    since building it cost more than running it. A shorter one goes to _keyset_page."""
    query = cache_versions.per_generation(
        ("first-teaser-page", filters, limit),
        lambda: (
            # Columns, not the Story entity: a plain Core statement, no ORM loading step.
            _filtered_public(filters, TEASER_COLUMNS)
            .where(within_window(None, True, package_setting("FIRST_WINDOW")))
            .order_by(*newest_first())
            .limit(limit + 1)
        ),
    )
    rows = list(db.session.execute(query))
    return Listing(
        stories=rows[:limit],
        newer=None,
        older=Cursor.of(rows[limit - 1]) if len(rows) > limit else None,
    )


def _windows() -> tuple[int, int]:
    return package_setting("FIRST_WINDOW"), package_setting("SCAN_WINDOW")


def _keyset_page(
    base: sa.Select[Any],
    fetch: Callable[[sa.Select[Any]], list[Any]],
    after: Cursor | None,
    before: Cursor | None,
    limit: int,
    first_window_done: bool = False,
) -> Listing:
    """Newest first, after or before a cursor (keyset paging): the cost of a page does not
    grow with how deep it is, and a story published while someone pages does not shift what
    they see next. Each page looks through at most SCAN_WINDOW stories (cursors.py)."""
    windows = _windows()
    if before is not None:
        rows = walk(base.where(newer_than(before)), fetch, before, False, limit, windows)
        end = None if len(rows) > limit else window_end(before, False, windows[-1])
        newer = Cursor.of(rows[limit - 1]) if len(rows) > limit else end
        rows = list(reversed(rows[:limit]))
        older = None
        if rows and may_follow(base, Cursor.of(rows[-1]), True, windows):
            older = Cursor.of(rows[-1])
    else:
        query = base if after is None else base.where(older_than(after))
        # (_first_teaser_page has already walked the first window of the first page.)
        rows = walk(query, fetch, after, True, limit, windows[1:] if first_window_done else windows)
        end = None if len(rows) > limit else window_end(after, True, windows[-1])
        older = Cursor.of(rows[limit - 1]) if len(rows) > limit else end
        rows = rows[:limit]
        newer = None
        if rows and after is not None and may_follow(base, Cursor.of(rows[0]), False, windows):
            newer = Cursor.of(rows[0])
    return Listing(stories=rows, newer=newer, older=older, looked_through=end is not None)


# Counting a listing of a million stories on every request would cost more than the page:
# counts stop here ("1,000+") and are kept per publish generation.
COUNT_CAP = 1000
COUNT_WINDOW = 20_000


@dataclass(frozen=True)
class ListingCount:
    count: int
    capped: bool  # at least `count`: show "1,000+"


def listing_count(filters: StoryFilters) -> ListingCount:
    """How many stories a listing holds, exact up to COUNT_CAP; one query per filter set
    and publish generation (a diagnosis or topic alone reads the taxonomy counts)."""
    return cache_versions.per_generation(
        ("listing-count", filters), lambda: _listing_count(filters)
    )


def _listing_count(filters: StoryFilters) -> ListingCount:
    known = taxonomy()
    if filters == StoryFilters(diagnosis=filters.diagnosis) and filters.diagnosis:
        own = known.diagnosis_subtrees[filters.diagnosis][0]
        return ListingCount(diagnosis_story_counts().get(own, 0), False)
    if filters == StoryFilters(topic=filters.topic) and filters.topic:
        return ListingCount(topic_story_counts().get(known.topic_ids[filters.topic], 0), False)
    # Counted among the newest COUNT_WINDOW public stories only: a rare combination of
    # filters would otherwise be counted over the whole site. Past that window the count is
    # "at least" (shown "123+").
    cap, window_size = package_setting("COUNT_CAP"), package_setting("COUNT_WINDOW")
    matches = filtered(filters).where(within_window(None, True, window_size))
    capped = matches.with_only_columns(STORIES.c.id).limit(cap + 1).subquery()
    window = window_keys(None, True, window_size + 1)
    count, looked = db.session.execute(
        sa.select(
            sa.select(sa.func.count()).select_from(capped).scalar_subquery(),
            sa.select(sa.func.count()).select_from(window).scalar_subquery(),
        )
    ).one()
    return ListingCount(min(count, cap), count > cap or looked > window_size)


def package_setting(name: str) -> int:
    """A limit as `catalog` exports it, read when used: it is the package's setting (a test
    or an operator changes `catalog.COUNT_CAP`, not this module's copy)."""
    from storyhub.services import catalog

    return getattr(catalog, name)


def cursor_after_pages(filters: StoryFilters, pages: int, per_page: int) -> Cursor | None:
    """The cursor of the last story on page `pages` of a listing: turns old ?page= links into
    keyset links. Walks the keyset a page at a time, as the pager does (no OFFSET; each step
    looks through at most SCAN_WINDOW stories). None when the listing is shorter."""
    scan = package_setting("SCAN_WINDOW")
    keys = filtered(filters).with_only_columns(STORIES.c.published_at, STORIES.c.id)
    cursor: Cursor | None = None
    for _page in range(pages):
        query = keys if cursor is None else keys.where(older_than(cursor))
        rows = db.session.execute(
            query.where(within_window(cursor, True, scan)).order_by(*newest_first()).limit(per_page)
        ).all()
        if len(rows) == per_page:
            cursor = Cursor(*rows[-1])
        elif (end := window_end(cursor, True, scan)) is not None:
            cursor = end
        else:
            return None
    return cursor
