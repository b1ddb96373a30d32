"""A position in a newest-first listing, and the walk of the public-story index from one: each
page looks through a bounded window of stories, so no filter combination walks the site."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.services.catalog.teasers import TeaserSource
from storyhub.services.catalog.visibility import STORIES


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


# Each with the plain bound on published_at as well: the OR alone gives the index no end to
# start from, and a page deep in the listing would first step over every newer story.
def older_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.and_(
        STORIES.c.published_at <= cursor.published_at,
        sa.or_(
            STORIES.c.published_at < cursor.published_at,
            sa.and_(STORIES.c.published_at == cursor.published_at, STORIES.c.id < cursor.story_id),
        ),
    )


def newer_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.and_(
        STORIES.c.published_at >= cursor.published_at,
        sa.or_(
            STORIES.c.published_at > cursor.published_at,
            sa.and_(STORIES.c.published_at == cursor.published_at, STORIES.c.id > cursor.story_id),
        ),
    )


def newest_first(ascending: bool = False) -> tuple[Any, Any]:
    if ascending:
        return STORIES.c.published_at.asc(), STORIES.c.id.asc()
    return STORIES.c.published_at.desc(), STORIES.c.id.desc()


# A listing walks the newest-first index of public stories and keeps those its filters match.
# A rare combination of filters (a country and a small diagnosis) would walk most of the site
# for one page, so each page looks through at most SCAN_WINDOW public stories past its cursor:
# the page's query stops at the last story of that window, found by a subquery that reads
# ix_stories_status_published_at alone (no table rows). Most listings fill their page within
# the first FIRST_WINDOW stories, tried first. When the window runs out before the page is
# full, the page says so and the pager continues from where it stopped. (Read through
# `catalog.SCAN_WINDOW` etc., so that a test or an operator can change them.)
SCAN_WINDOW = 5000
FIRST_WINDOW = 500


def window_keys(cursor: Cursor | None, walking_back: bool, size: int) -> sa.Subquery:
    """(id, published_at) of the next `size` published stories past `cursor`, in walking
    order (`walking_back`: newest first)."""
    keys = sa.select(STORIES.c.id, STORIES.c.published_at).where(
        STORIES.c.status == StoryStatus.PUBLISHED, STORIES.c.published_at.is_not(None)
    )
    if walking_back:
        keys = keys.where(older_than(cursor)) if cursor is not None else keys
        keys = keys.order_by(*newest_first())
    else:
        assert cursor is not None
        keys = keys.where(newer_than(cursor)).order_by(*newest_first(ascending=True))
    return keys.limit(size).subquery("scan_window")


def _backwards(window: sa.Subquery, walking_back: bool) -> tuple[Any, Any]:
    if walking_back:
        return window.c.published_at.asc(), window.c.id.asc()
    return window.c.published_at.desc(), window.c.id.desc()


def within_window(cursor: Cursor | None, walking_back: bool, size: int) -> sa.ColumnElement[bool]:
    """SQL condition: the story is not past the last of the next `size` published stories
    past `cursor`. Uncorrelated subqueries, run once: the window's last publication time
    bounds the index range; its id, needed only at that very time, breaks the tie."""
    window = window_keys(cursor, walking_back, size)
    last = sa.select(window.c.published_at, window.c.id).order_by(*_backwards(window, walking_back))
    published_at = last.with_only_columns(window.c.published_at).limit(1).scalar_subquery()
    story_id = last.with_only_columns(window.c.id).limit(1).scalar_subquery()
    if walking_back:
        return sa.and_(
            STORIES.c.published_at >= published_at,
            sa.or_(
                STORIES.c.published_at > published_at,
                sa.and_(STORIES.c.published_at == published_at, STORIES.c.id >= story_id),
            ),
        )
    return sa.and_(
        STORIES.c.published_at <= published_at,
        sa.or_(
            STORIES.c.published_at < published_at,
            sa.and_(STORIES.c.published_at == published_at, STORIES.c.id <= story_id),
        ),
    )


def window_end(cursor: Cursor | None, walking_back: bool, scan: int) -> Cursor | None:
    """The last story of the window past `cursor` when more published stories lie past it
    (the pager continues from there), else None: the listing ends inside the window."""
    window = window_keys(cursor, walking_back, scan + 1)
    ends = db.session.execute(
        sa.select(window.c.published_at, window.c.id, sa.func.count().over())
        .order_by(*_backwards(window, walking_back))
        .limit(2)
    ).all()
    if len(ends) < 2 or ends[0][2] <= scan:
        return None
    return Cursor(ends[1][0], ends[1][1])


def exists(query: sa.Select[Any]) -> bool:
    return bool(db.session.scalar(sa.select(query.with_only_columns(STORIES.c.id).exists())))


def may_follow(
    base: sa.Select[Any], cursor: Cursor, walking_back: bool, windows: tuple[int, int]
) -> bool:
    """Whether the listing may go on past `cursor`: a match within the next window, or more
    stories past that window (the pager then looks further)."""
    past = base.where(older_than(cursor) if walking_back else newer_than(cursor))
    for size in windows:
        if exists(past.where(within_window(cursor, walking_back, size))):
            return True
    return window_end(cursor, walking_back, windows[-1]) is not None


def walk(
    query: sa.Select[Any],
    fetch: Callable[[sa.Select[Any]], list[Any]],
    cursor: Cursor | None,
    walking_back: bool,
    limit: int,
    windows: tuple[int, ...],
) -> list[Any]:
    """Up to `limit` + 1 rows past `cursor`: first within the small window (reading the
    window's end costs a little per story in it, and most listings fill a page there), then,
    for a listing that did not, within the large one."""
    order = newest_first(ascending=not walking_back)
    rows: list[Any] = []
    for size in windows:
        rows = fetch(
            query.where(within_window(cursor, walking_back, size)).order_by(*order).limit(limit + 1)
        )
        if len(rows) > limit:
            break
    return rows
