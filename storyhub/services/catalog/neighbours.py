"""A story's neighbours: the stories its "Related stories" and "Stories like this" are chosen
from. A bounded set, which a new publish leaves alone.

Under each of the story's diagnoses, its neighbours are the NEIGHBOURS nearest *earlier* public
originals filed there (by id: ids ascend with submission), read by walking the index
ix_story_diagnoses_diagnosis_id_story_id down from the story's id and stopping there — the
same few index probes at 400 stories or at a million. A story published later has a higher id
than every story already on the site, so it never enters an existing story's neighbours: a
publish changes no other story's page. Only a story with fewer than `enough` earlier neighbours
in all (the first stories of a diagnosis, a small site) also takes the `enough` earliest later
ones under each diagnosis; its pages depend on every story of those diagnoses (and carry their
`filed:` tags, services/cache_tags.py).

Which other pages a change to a story Y alters, then: those of the stories whose neighbours
hold Y before or after the change (Y published late with its low id, withdrawn, edited, filed
elsewhere). They are, under each of Y's diagnoses, among the first NEIGHBOURS public originals
after Y (`later_neighbours`): a story X further up has NEIGHBOURS public originals between Y
and itself, which are its neighbours with or without Y. (Several stories changed in one flush:
take the one nearest to X among those leaving; the count between it and X can only have grown,
so X is found from it.) The cache bumps those stories' own tags: at most NEIGHBOURS pages per
diagnosis, found by one walk of the same index up from Y.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import StoryStatus, story_diagnoses
from storyhub.services.catalog.visibility import STORIES

# How many earlier stories under each diagnosis a story's related stories and "stories like
# it" are chosen from (read through `catalog.NEIGHBOURS`, so a test or an operator can change
# it; changing it changes pages without bumping their tags: call cache_versions.invalidate()
# afterwards, as bulk loads do).
NEIGHBOURS = 50

_SD = story_diagnoses.c
# Whether the story of a story_diagnoses row is a public original (`is_public() &
# is_original()` for a story that is neither a translation nor an update): a correlated
# subquery, which both databases run per row as they walk the diagnosis index down from the
# story (a join would let PostgreSQL's planner read every row of the diagnosis, or of
# `stories`, first). EXPLAIN on both: tests/system/test_related_bounded.py.
_PUBLIC_ORIGINAL = (
    sa.select(STORIES.c.id)
    .where(
        STORIES.c.id == _SD.story_id,
        STORIES.c.status == StoryStatus.PUBLISHED,
        STORIES.c.translation_of_id.is_(None),
        STORIES.c.update_of_id.is_(None),
    )
    .scalar_subquery()
    .is_not(None)
)


def _window(diagnosis: sa.BindParameter[int], size: int, earlier: bool) -> sa.Select[Any]:
    """The `size` public originals under `diagnosis` nearest to the story, before or after."""
    story = sa.bindparam("story", type_=sa.Integer)
    query = (
        sa.select(_SD.story_id)
        .where(
            _SD.diagnosis_id == diagnosis,
            _SD.story_id < story if earlier else _SD.story_id > story,
            _PUBLIC_ORIGINAL,
        )
        .order_by(_SD.story_id.desc() if earlier else _SD.story_id.asc())
        .limit(size)
    )
    return sa.select(query.subquery().c.story_id)


@functools.lru_cache(maxsize=64)
def _windows(diagnoses: int, earlier: int, later: int) -> sa.Select[Any] | sa.CompoundSelect:
    """One statement for every window of a story with `diagnoses` diagnoses (built once per
    shape: building a select costs more than SQLite takes to answer it)."""
    parts = []
    for number in range(diagnoses):
        diagnosis = sa.bindparam(f"d{number}", type_=sa.Integer)
        if earlier:
            parts.append(_window(diagnosis, earlier, earlier=True))
        if later:
            parts.append(_window(diagnosis, later, earlier=False))
    return parts[0] if len(parts) == 1 else sa.union_all(*parts)


def _read(story_id: int, diagnosis_ids: Sequence[int], earlier: int, later: int) -> list[int]:
    if not diagnosis_ids or not (earlier or later):
        return []
    parameters = {"story": story_id, **{f"d{n}": d for n, d in enumerate(diagnosis_ids)}}
    return list(db.session.scalars(_windows(len(diagnosis_ids), earlier, later), parameters))


def window_size() -> int:
    from storyhub.services import catalog

    return int(catalog.NEIGHBOURS)


@dataclass(frozen=True)
class Neighbours:
    earlier: list[int]  # distinct ids, below the story's
    later: list[int]  # distinct ids above it: only when `fills_from_later`
    fills_from_later: bool  # fewer than `enough` earlier: the page depends on later ones


def neighbours(story_id: int, diagnosis_ids: Sequence[int], enough: int) -> Neighbours:
    """The candidates for a list of `enough` stories related to the original `story_id` filed
    under `diagnosis_ids`: its neighbours, and the earliest later ones when they are too few
    (`enough` is at most NEIGHBOURS: the window is what a change looks through)."""
    size = window_size()
    enough = min(enough, size)
    earlier = sorted(set(_read(story_id, diagnosis_ids, size, 0)), reverse=True)
    if len(earlier) >= enough:
        return Neighbours(earlier, [], fills_from_later=False)
    later = sorted(set(_read(story_id, diagnosis_ids, 0, enough)))
    return Neighbours(earlier, later, fills_from_later=True)


def fills_from_later(story_id: int, diagnosis_ids: Sequence[int], enough: int) -> bool:
    """Whether a list of `enough` related stories of `story_id` takes later stories too (as
    `neighbours` decides: it does when, under every diagnosis, fewer than `enough` earlier
    stories exist, so the nearest `enough` under each are all there is)."""
    if not diagnosis_ids:
        return False
    enough = min(enough, window_size())
    return len(set(_read(story_id, diagnosis_ids, enough, 0))) < enough


def later_neighbours(story_id: int, diagnosis_ids: Sequence[int]) -> set[int]:
    """The stories whose neighbours may hold `story_id` under `diagnosis_ids`: under each, the
    first NEIGHBOURS public originals after it."""
    return set(_read(story_id, diagnosis_ids, 0, window_size()))


def nearest_first(story_id: Any, source: Any = STORIES.c.id) -> tuple[Any, Any]:
    """Order: the nearest earlier story first, then (for the first stories of a diagnosis)
    the nearest later one."""
    return (
        sa.case((source < story_id, 0), else_=1),
        sa.func.abs(source - story_id),
    )


def shared_count(diagnosis_ids: Sequence[int] | sa.BindParameter[Any], source: Any = None) -> Any:
    """How many of `diagnosis_ids` the story `source` is filed under (a correlated count over
    its few story_diagnoses rows)."""
    source = STORIES.c.id if source is None else source
    return (
        sa.select(sa.func.count())
        .select_from(story_diagnoses)
        .where(_SD.story_id == source, _SD.diagnosis_id.in_(diagnosis_ids))
        .scalar_subquery()
    )
