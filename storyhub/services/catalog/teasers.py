"""Teasers: one line per story on listings, read as plain rows (not ORM objects)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.i18n import country_name, language_autonym
from storyhub.models import (
    Diagnosis,
    Story,
    StoryStatus,
    story_diagnoses,
)
from storyhub.services.catalog.snapshot import (
    taxonomy,
)
from storyhub.services.catalog.visibility import (
    STORIES,
    is_original,
    is_public,
)

# What a teaser shows and links to: loaded as plain rows, not ORM objects, because listings
# are the most requested pages (see bench/RESULTS.md). Rows and Story objects both work.
TEASER_COLUMNS = (
    STORIES.c.id,
    STORIES.c.title,
    STORIES.c.author_name,
    STORIES.c.language,
    STORIES.c.country,
    STORIES.c.excerpt,
    STORIES.c.published_at,
    STORIES.c.translation_of_id,
    STORIES.c.update_of_id,
    STORIES.c.allow_translation,
    STORIES.c.version,  # keys the rendered teaser (reader/fragments.py)
)


class TeaserSource(Protocol):
    """A story as a teaser needs it: a row of TEASER_COLUMNS or a Story."""

    id: int
    title: str
    author_name: str
    language: str
    country: str
    excerpt: str
    published_at: datetime | None
    translation_of_id: int | None
    update_of_id: int | None
    allow_translation: bool
    version: int


@dataclass
class Teaser:
    """One line on a listing: `Name: Diagnosis, Diagnosis (Country) first sentence…`."""

    story: TeaserSource
    diagnoses: str
    country: str
    language_label: str
    translations: list[Teaser] = field(default_factory=list)

    @property
    def lead(self) -> str:
        """The first sentence, trailing with an ellipsis that says the story goes on."""
        return self.story.excerpt.rstrip(" .…") + "…"


def public_translations(story: Story) -> list[Story]:
    """The published translations of a public original (none if its author withdrew consent)."""
    if not story.allow_translation:
        return []
    return [t for t in story.translations if t.status is StoryStatus.PUBLISHED]


def source_of(story: Story) -> Story:
    """The story whose diagnoses and topics apply: a translation shares its original's."""
    return story.translation_of or story.update_of or story


def source_id_of(story: TeaserSource) -> int:
    return story.translation_of_id or story.update_of_id or story.id


def _is_original_row(story: TeaserSource) -> bool:
    return story.translation_of_id is None and story.update_of_id is None


def teasers(stories: Sequence[TeaserSource], with_translations: bool = True) -> list[Teaser]:
    """Teasers for `stories`, in order, with at most two queries whatever their number: the
    diagnoses they are filed under, and the published translations of the originals among
    them (`with_translations`; a translation's own teaser never nests others)."""
    translations: dict[int, list[TeaserSource]] = {}
    if with_translations:
        original_ids = [s.id for s in stories if _is_original_row(s) and s.allow_translation]
        for row in _public_translation_rows(original_ids):
            translations.setdefault(row.translation_of_id, []).append(row)
    every = [*stories, *(t for rows in translations.values() for t in rows)]
    filed = _diagnosis_ids_of({source_id_of(s) for s in every})
    names = taxonomy()

    def one(story: TeaserSource, nested: list[TeaserSource]) -> Teaser:
        # Each teaser reads in its story's own language: names of diagnoses and country too.
        language = story.language.split("-")[0]
        return Teaser(
            story=story,
            diagnoses=", ".join(
                names.diagnosis_name(d, language) for d in filed.get(source_id_of(story), ())
            ),
            country=country_name(story.country, language),
            language_label=language_autonym(story.language),
            translations=[one(t, []) for t in nested],
        )

    return [one(s, translations.get(s.id, [])) for s in stories]


# The two queries every listing makes, built once (with the ids as an expanding parameter):
# building a select costs a listing more than SQLite takes to answer it.
_TRANSLATIONS = (
    sa.select(*TEASER_COLUMNS)
    .where(STORIES.c.translation_of_id.in_(sa.bindparam("ids", expanding=True)), is_public())
    .order_by(STORIES.c.id)
)
_FILED = (
    sa.select(story_diagnoses.c.story_id, story_diagnoses.c.diagnosis_id)
    .join(Diagnosis.__table__, Diagnosis.__table__.c.id == story_diagnoses.c.diagnosis_id)
    .where(story_diagnoses.c.story_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(Diagnosis.__table__.c.position, Diagnosis.__table__.c.id)
)


def _public_translation_rows(original_ids: list[int]) -> list[Any]:
    if not original_ids:
        return []
    return list(db.session.execute(_TRANSLATIONS, {"ids": original_ids}))


def _diagnosis_ids_of(story_ids: set[int]) -> dict[int, list[int]]:
    """Diagnosis ids each story is filed under, in the taxonomy's order."""
    if not story_ids:
        return {}
    filed: dict[int, list[int]] = {}
    for story_id, diagnosis_id in db.session.execute(_FILED, {"ids": sorted(story_ids)}):
        filed.setdefault(story_id, []).append(diagnosis_id)
    return filed


def teaser_options() -> list[so.interfaces.LoaderOption]:
    """For pages that need whole stories (feeds, the API): their links in a few queries."""
    translations = so.selectinload(Story.translations)
    return [
        so.selectinload(Story.diagnoses),
        translations,
        translations.selectinload(Story.diagnoses),
        so.selectinload(Story.translation_of).selectinload(Story.diagnoses),
    ]


def original_rows() -> sa.Select[Any]:
    """Public originals (not translations or updates), newest first, as teaser rows."""
    return (
        sa.select(*TEASER_COLUMNS)
        .where(is_public(), is_original())
        .order_by(STORIES.c.published_at.desc(), STORIES.c.id.desc())
    )


def recent_teasers(limit: int = 10) -> list[Teaser]:
    return teasers(list(db.session.execute(original_rows().limit(limit))))


def public_rows_by_id(ids: Iterable[int]) -> dict[int, TeaserSource]:
    """Return the public stories among `ids`, as teaser rows, by id."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(*TEASER_COLUMNS).where(STORIES.c.id.in_(ids), is_public(by_key=True))
    )
    return {row.id: row for row in rows}
