"""What readers may see: the `is_public` and `is_syndicated` conditions every public query
filters through, and story slugs.
"""

from __future__ import annotations

import functools
import re
from typing import Protocol

import sqlalchemy as sa
from slugify import slugify

from storyhub.models import (
    Story,
    StoryStatus,
)

# Conditions are written on the table's columns, not the mapped attributes: they then serve
# plain Core selects (the reader's lean path, no ORM compile step) and ORM queries alike.
STORIES = Story.__table__
_S = STORIES.c
_Original = STORIES.alias("original").c
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# The conditions below are built once and shared by every query (SQL expressions are
# immutable): building the correlated EXISTS cost a public page about a millisecond each time.


@functools.cache
def is_public(by_key: bool = False) -> sa.ColumnElement[bool]:
    """SQL condition: the story is published and so is the story it translates or continues;
    a translation also needs its original's author to allow translations (withdrawing that
    consent takes the translations off the site too, until it is given again).

    `by_key`: the caller picks stories by primary key. The status test is then written so no
    index can serve it: SQLite, which keeps no statistics here, would otherwise prefer the
    status index and walk every published story instead of looking up a handful of ids."""
    original_published = (
        sa.select(_Original.id)
        .where(_Original.status == StoryStatus.PUBLISHED)
        .where(
            sa.or_(
                sa.and_(_Original.id == _S.translation_of_id, _Original.allow_translation),
                _Original.id == _S.update_of_id,
            )
        )
        .exists()
    )
    published = (
        sa.func.lower(_S.status) == StoryStatus.PUBLISHED.value
        if by_key
        else _S.status == StoryStatus.PUBLISHED
    )
    return sa.and_(
        published,
        sa.or_(
            sa.and_(_S.translation_of_id.is_(None), _S.update_of_id.is_(None)),
            original_published,
        ),
    )


@functools.cache
def not_an_update(by_key: bool = False) -> sa.ColumnElement[bool]:
    """SQL condition: an original or a translation, not an update.

    `by_key`: as for `is_public`. Every original has no `update_of_id`, so SQLite, reading
    `IS NULL` as an equality, would otherwise walk the update_of_id index over nearly every
    story whenever the keys come in an OR it cannot serve as one range (the sitemap's)."""
    if by_key:
        return sa.func.coalesce(_S.update_of_id, 0) == 0
    return _S.update_of_id.is_(None)


@functools.cache
def is_syndicated() -> sa.ColumnElement[bool]:
    """SQL condition, on top of `is_public`: feeds and the API may carry it. The author of the
    original decides for its translations and updates too."""
    original_allows = (
        sa.select(_Original.id)
        .where(_Original.allow_syndication)
        .where(
            sa.or_(
                _Original.id == _S.translation_of_id,
                _Original.id == _S.update_of_id,
            )
        )
        .exists()
    )
    return sa.and_(
        _S.allow_syndication,
        sa.or_(
            sa.and_(_S.translation_of_id.is_(None), _S.update_of_id.is_(None)),
            original_allows,
        ),
    )


@functools.cache
def is_original() -> sa.ColumnElement[bool]:
    return sa.and_(_S.translation_of_id.is_(None), _S.update_of_id.is_(None))


@functools.lru_cache(maxsize=4096)  # a story page links its own slug several times
def title_slug(title: str) -> str:
    # The backend named: with "auto", python-slugify looks for the optional `unidecode` on
    # every call with an accent in it, a failed import that walks sys.path each time.
    return slugify(title, max_length=60, word_boundary=True, backend="text-unidecode") or "story"


class _Titled(Protocol):
    title: str


def story_slug(story: _Titled) -> str:
    return title_slug(story.title)


def is_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value))
