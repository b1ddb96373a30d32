"""Counts over published content, each kept per publish generation."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub import cache_versions
from storyhub.extensions import db
from storyhub.models import (
    Diagnosis,
    Story,
    story_diagnoses,
    story_topics,
)
from storyhub.services.catalog.visibility import (
    is_original,
    is_public,
)


def diagnosis_story_counts() -> dict[int, int]:
    """Public originals per diagnosis id (sub-diagnoses included), once per generation."""
    return cache_versions.per_generation(("diagnosis-counts",), _subtree_counts)


def topic_story_counts() -> dict[int, int]:
    """Public originals per topic id, once per generation."""
    return cache_versions.per_generation(("topic-counts",), _topic_counts)


def _topic_counts() -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(story_topics.c.topic_id, sa.func.count(sa.distinct(Story.id)))
            .join(Story, Story.id == story_topics.c.story_id)
            .where(is_public(), is_original())
            .group_by(story_topics.c.topic_id)
        ).all()
    )


def _subtree_counts() -> dict[int, int]:
    """Public originals per diagnosis, counting those filed under any of its sub-diagnoses once."""
    closure = sa.select(Diagnosis.id.label("ancestor"), Diagnosis.id.label("descendant")).cte(
        "closure", recursive=True
    )
    child = so.aliased(Diagnosis)
    closure = closure.union_all(
        sa.select(closure.c.ancestor, child.id).where(child.parent_id == closure.c.descendant)
    )
    rows = db.session.execute(
        sa.select(closure.c.ancestor, sa.func.count(sa.distinct(story_diagnoses.c.story_id)))
        .join(story_diagnoses, story_diagnoses.c.diagnosis_id == closure.c.descendant)
        .join(Story, Story.id == story_diagnoses.c.story_id)
        .where(is_public(), is_original())
        .group_by(closure.c.ancestor)
    )
    return {ancestor: count for ancestor, count in rows}


def public_languages() -> list[tuple[str, int]]:
    """(language tag, number of public stories and translations in it), most first. A count
    over every public story: made once per worker until published content changes."""
    return cache_versions.per_generation(("public-languages",), _count_languages)


def public_countries() -> frozenset[str]:
    """Countries with public stories: like the languages, once per generation."""
    return cache_versions.per_generation(
        ("public-countries",),
        lambda: frozenset(
            db.session.scalars(
                sa.select(Story.country).distinct().where(is_public(), Story.update_of_id.is_(None))
            )
        ),
    )


def _count_languages() -> list[tuple[str, int]]:
    count = sa.func.count(Story.id)
    rows = db.session.execute(
        sa.select(Story.language, count)
        .where(is_public(), Story.update_of_id.is_(None))
        .group_by(Story.language)
        .order_by(count.desc(), Story.language)
    )
    return [(language, number) for language, number in rows]


# --- what published data says about how identifiable a story is ---------------------------


@dataclass(frozen=True)
class IdentificationCounts:
    """Published originals per country, and per diagnosis with its sub-diagnoses."""

    by_country: dict[str, int]
    by_diagnosis: dict[int, int]


def identification_counts() -> IdentificationCounts:
    """Two grouped queries, once per worker until published content changes: every
    submission and every queue row asks."""
    return cache_versions.per_generation(("identification-counts",), _count_for_identification)


def _count_for_identification() -> IdentificationCounts:
    return IdentificationCounts(
        by_country=dict(
            db.session.execute(
                sa.select(Story.country, sa.func.count(Story.id))
                .where(is_public(), is_original())
                .group_by(Story.country)
            ).all()
        ),
        by_diagnosis=_subtree_counts(),
    )
