"""Read queries for public pages. Every one filters through `is_public`: readers never see
a story that is not published, or a translation or update whose original is not."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from slugify import slugify

from storyhub.extensions import db
from storyhub.i18n import country_name, language_autonym
from storyhub.models import (
    Diagnosis,
    Story,
    StoryStatus,
    Topic,
    story_diagnoses,
    story_topics,
)

_Original = so.aliased(Story)
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_public() -> sa.ColumnElement[bool]:
    """SQL condition: the story is published and so is the story it translates or continues."""
    original_published = (
        sa.select(_Original.id)
        .where(_Original.status == StoryStatus.PUBLISHED)
        .where(
            sa.or_(
                _Original.id == Story.translation_of_id,
                _Original.id == Story.update_of_id,
            )
        )
        .exists()
    )
    return sa.and_(
        Story.status == StoryStatus.PUBLISHED,
        sa.or_(
            sa.and_(Story.translation_of_id.is_(None), Story.update_of_id.is_(None)),
            original_published,
        ),
    )


def story_slug(story: Story) -> str:
    return slugify(story.title, max_length=60, word_boundary=True) or "story"


@dataclass
class Teaser:
    """One line on a listing: `Name: Diagnosis, Diagnosis (Country) first sentence…`."""

    story: Story
    diagnoses: str
    country: str
    language_label: str
    translations: list[Teaser] = field(default_factory=list)

    @property
    def lead(self) -> str:
        """The first sentence, trailing with an ellipsis that says the story goes on."""
        return self.story.excerpt.rstrip(" .…") + "…"


def _public_translations(story: Story) -> list[Story]:
    return [t for t in story.translations if t.status is StoryStatus.PUBLISHED]


def teaser(story: Story, with_translations: bool = True) -> Teaser:
    # Each teaser reads in its story's own language: names of diagnoses and country too.
    language = story.language.split("-")[0]
    return Teaser(
        story=story,
        diagnoses=", ".join(d.name(language) for d in story.diagnoses),
        country=country_name(story.country, language),
        language_label=language_autonym(story.language),
        translations=[teaser(t, False) for t in _public_translations(story)]
        if with_translations
        else [],
    )


def _originals() -> sa.Select[tuple[Story]]:
    """Public originals (not translations or updates), newest first, loaded for teasers."""
    translation_of = so.selectinload(Story.translations)
    return (
        sa.select(Story)
        .where(is_public(), Story.translation_of_id.is_(None), Story.update_of_id.is_(None))
        .options(
            so.selectinload(Story.diagnoses),
            translation_of,
            translation_of.selectinload(Story.diagnoses),
        )
        .order_by(Story.published_at.desc(), Story.id.desc())
    )


def recent_teasers(limit: int = 10) -> list[Teaser]:
    return [teaser(s) for s in db.session.scalars(_originals().limit(limit))]


def public_topics() -> list[Topic]:
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.slug)))


def public_diagnoses() -> list[Diagnosis]:
    return list(
        db.session.scalars(sa.select(Diagnosis).order_by(Diagnosis.position, Diagnosis.slug))
    )


def is_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value))


def topic_by_slug(slug: str) -> Topic | None:
    if not is_slug(slug):  # nothing else can match, so the database is not asked
        return None
    return db.session.scalar(sa.select(Topic).filter_by(slug=slug))


def diagnosis_by_slug(slug: str) -> Diagnosis | None:
    if not is_slug(slug):
        return None
    return db.session.scalar(sa.select(Diagnosis).filter_by(slug=slug))


def topic_teasers(topic: Topic, limit: int) -> list[Teaser]:
    linked = sa.select(story_topics.c.story_id).where(story_topics.c.topic_id == topic.id)
    stories = db.session.scalars(_originals().where(Story.id.in_(linked)).limit(limit))
    return [teaser(s) for s in stories]


def _diagnosis_and_descendants(diagnosis: Diagnosis) -> list[int]:
    ids, frontier = [diagnosis.id], [diagnosis.id]
    while frontier:  # the taxonomy is a few levels deep at most
        frontier = list(
            db.session.scalars(sa.select(Diagnosis.id).where(Diagnosis.parent_id.in_(frontier)))
        )
        ids.extend(frontier)
    return ids


def diagnosis_teasers(diagnosis: Diagnosis, limit: int) -> list[Teaser]:
    linked = sa.select(story_diagnoses.c.story_id).where(
        story_diagnoses.c.diagnosis_id.in_(_diagnosis_and_descendants(diagnosis))
    )
    stories = db.session.scalars(_originals().where(Story.id.in_(linked)).limit(limit))
    return [teaser(s) for s in stories]


@dataclass(frozen=True)
class StoryFilters:
    diagnosis: str = ""
    language: str = ""
    country: str = ""


def filtered_teasers(filters: StoryFilters, page: int, per_page: int) -> tuple[list[Teaser], bool]:
    """Return one page of public originals matching the filters, and whether more follow."""
    query = _originals()
    if filters.diagnosis:
        diagnosis = diagnosis_by_slug(filters.diagnosis)
        ids = _diagnosis_and_descendants(diagnosis) if diagnosis else []
        query = query.where(
            Story.id.in_(
                sa.select(story_diagnoses.c.story_id).where(story_diagnoses.c.diagnosis_id.in_(ids))
            )
        )
    if filters.language:
        query = query.where(Story.language == filters.language)
    if filters.country:
        query = query.where(Story.country == filters.country)
    rows = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
    return [teaser(s) for s in rows[:per_page]], len(rows) > per_page


def public_story(story_id: int) -> Story | None:
    """Return the published story with this id, or None (unknown, unpublished, or hidden)."""
    return db.session.scalar(
        sa.select(Story)
        .where(Story.id == story_id, is_public())
        .options(
            so.selectinload(Story.diagnoses),
            so.selectinload(Story.topics),
            so.selectinload(Story.translations),
            so.selectinload(Story.updates),
        )
    )


@dataclass
class StoryPage:
    story: Story
    original: Story
    updates: list[Story]
    languages: list[tuple[Story, str]]  # every public language version, original first
    diagnoses: str
    country: str


def story_page(story: Story) -> StoryPage:
    """Gather what the story page shows: its public updates and all its public languages."""
    original = story.translation_of if story.translation_of_id else story
    assert original is not None
    versions = [original, *_public_translations(original)]
    language = story.language.split("-")[0]
    return StoryPage(
        story=story,
        original=original,
        updates=[u for u in original.updates if u.status is StoryStatus.PUBLISHED],
        languages=[(v, language_autonym(v.language)) for v in versions],
        diagnoses=", ".join(d.name(language) for d in original.diagnoses),
        country=country_name(story.country, language),
    )


def language_teasers(language: str, limit: int) -> list[Teaser]:
    """Public stories written in, or translated into, `language`."""
    stories = db.session.scalars(
        sa.select(Story)
        .where(is_public(), Story.update_of_id.is_(None), Story.language == language)
        .options(so.selectinload(Story.diagnoses), so.selectinload(Story.translations))
        .order_by(Story.published_at.desc(), Story.id.desc())
        .limit(limit)
    )
    return [teaser(s, with_translations=False) for s in stories]


def diagnosis_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """Return (slug, name) for the form, each parent followed by its sub-diagnoses."""
    from storyhub.i18n import current_locale

    locale = locale or current_locale()
    diagnoses = public_diagnoses()
    children: dict[int | None, list[Diagnosis]] = {}
    for diagnosis in diagnoses:
        children.setdefault(diagnosis.parent_id, []).append(diagnosis)
    choices: list[tuple[str, str]] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for diagnosis in children.get(parent_id, []):
            choices.append((diagnosis.slug, "— " * depth + diagnosis.name(locale)))
            visit(diagnosis.id, depth + 1)

    visit(None, 0)
    return choices
