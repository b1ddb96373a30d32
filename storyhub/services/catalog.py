"""Read queries for public pages, feeds, the sitemap and the API. Every one filters through
`is_public`: readers never see a story that is not published, or a translation or update whose
original is not. Nothing here touches submitters.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, has_app_context
from slugify import slugify

from storyhub.extensions import db
from storyhub.i18n import country_name, current_locale, language_autonym, language_name
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
    """SQL condition: the story is published and so is the story it translates or continues;
    a translation also needs its original's author to allow translations (withdrawing that
    consent takes the translations off the site too, until it is given again)."""
    original_published = (
        sa.select(_Original.id)
        .where(_Original.status == StoryStatus.PUBLISHED)
        .where(
            sa.or_(
                sa.and_(_Original.id == Story.translation_of_id, _Original.allow_translation),
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


def is_syndicated() -> sa.ColumnElement[bool]:
    """SQL condition, on top of `is_public`: feeds and the API may carry it. The author of the
    original decides for its translations and updates too."""
    original_allows = (
        sa.select(_Original.id)
        .where(_Original.allow_syndication)
        .where(
            sa.or_(
                _Original.id == Story.translation_of_id,
                _Original.id == Story.update_of_id,
            )
        )
        .exists()
    )
    return sa.and_(
        Story.allow_syndication,
        sa.or_(
            sa.and_(Story.translation_of_id.is_(None), Story.update_of_id.is_(None)),
            original_allows,
        ),
    )


def _is_original() -> sa.ColumnElement[bool]:
    return sa.and_(Story.translation_of_id.is_(None), Story.update_of_id.is_(None))


def story_slug(story: Story) -> str:
    return slugify(story.title, max_length=60, word_boundary=True) or "story"


def is_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value))


# --- teasers -----------------------------------------------------------------------------


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


def public_translations(story: Story) -> list[Story]:
    """The published translations of a public original (none if its author withdrew consent)."""
    if not story.allow_translation:
        return []
    return [t for t in story.translations if t.status is StoryStatus.PUBLISHED]


def _source(story: Story) -> Story:
    """The story whose diagnoses and topics apply: a translation shares its original's."""
    return story.translation_of or story.update_of or story


def teaser(story: Story, with_translations: bool = True) -> Teaser:
    # Each teaser reads in its story's own language: names of diagnoses and country too.
    language = story.language.split("-")[0]
    return Teaser(
        story=story,
        diagnoses=", ".join(d.name(language) for d in _source(story).diagnoses),
        country=country_name(story.country, language),
        language_label=language_autonym(story.language),
        translations=[teaser(t, False) for t in public_translations(story)]
        if with_translations
        else [],
    )


def _teaser_options() -> list[so.interfaces.LoaderOption]:
    translations = so.selectinload(Story.translations)
    return [
        so.selectinload(Story.diagnoses),
        translations,
        translations.selectinload(Story.diagnoses),
        so.selectinload(Story.translation_of).selectinload(Story.diagnoses),
    ]


def _originals() -> sa.Select[tuple[Story]]:
    """Public originals (not translations or updates), newest first, loaded for teasers."""
    return (
        sa.select(Story)
        .where(is_public(), _is_original())
        .options(*_teaser_options())
        .order_by(Story.published_at.desc(), Story.id.desc())
    )


def recent_teasers(limit: int = 10) -> list[Teaser]:
    return [teaser(s) for s in db.session.scalars(_originals().limit(limit))]


def public_stories_by_id(ids: Iterable[int]) -> dict[int, Story]:
    """Return the public stories among `ids`, loaded for teasers, by id."""
    ids = list(ids)
    if not ids:
        return {}
    stories = db.session.scalars(
        sa.select(Story).where(Story.id.in_(ids), is_public()).options(*_teaser_options())
    )
    return {s.id: s for s in stories}


# --- taxonomy ------------------------------------------------------------------------------


def public_topics() -> list[Topic]:
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.slug)))


def public_diagnoses() -> list[Diagnosis]:
    return list(
        db.session.scalars(sa.select(Diagnosis).order_by(Diagnosis.position, Diagnosis.slug))
    )


def topic_by_slug(slug: str) -> Topic | None:
    if not is_slug(slug):  # nothing else can match, so the database is not asked
        return None
    return db.session.scalar(sa.select(Topic).filter_by(slug=slug))


def diagnosis_by_slug(slug: str) -> Diagnosis | None:
    if not is_slug(slug):
        return None
    return db.session.scalar(sa.select(Diagnosis).filter_by(slug=slug))


def _diagnosis_and_descendants(diagnosis: Diagnosis) -> list[int]:
    ids, frontier = [diagnosis.id], [diagnosis.id]
    while frontier:  # the taxonomy is a few levels deep at most
        frontier = list(
            db.session.scalars(sa.select(Diagnosis.id).where(Diagnosis.parent_id.in_(frontier)))
        )
        ids.extend(frontier)
    return ids


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
        .where(is_public(), _is_original())
        .group_by(closure.c.ancestor)
    )
    return {ancestor: count for ancestor, count in rows}


@dataclass
class DiagnosisNode:
    diagnosis: Diagnosis
    name: str  # in the reader's language when the taxonomy has it
    count: int  # public stories filed under it or its sub-diagnoses
    children: list[DiagnosisNode]


def diagnosis_tree(locale: str | None = None) -> list[DiagnosisNode]:
    """The taxonomy as a tree, names in `locale`, each node with its story count."""
    locale = locale or current_locale()
    counts = _subtree_counts()
    by_parent: dict[int | None, list[Diagnosis]] = {}
    for diagnosis in public_diagnoses():
        by_parent.setdefault(diagnosis.parent_id, []).append(diagnosis)

    def nodes(parent_id: int | None) -> list[DiagnosisNode]:
        return [
            DiagnosisNode(d, d.name(locale), counts.get(d.id, 0), nodes(d.id))
            for d in by_parent.get(parent_id, [])
        ]

    return nodes(None)


def diagnosis_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """Return (slug, name) for forms, each parent followed by its sub-diagnoses."""
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


@dataclass
class TopicEntry:
    topic: Topic
    title: str
    count: int


def topic_entries(locale: str | None = None) -> list[TopicEntry]:
    """Every topic, titled in `locale`, with how many public stories it links."""
    locale = locale or current_locale()
    counts = dict(
        db.session.execute(
            sa.select(story_topics.c.topic_id, sa.func.count(sa.distinct(Story.id)))
            .join(Story, Story.id == story_topics.c.story_id)
            .where(is_public(), _is_original())
            .group_by(story_topics.c.topic_id)
        ).all()
    )
    return [TopicEntry(t, t.title(locale), counts.get(t.id, 0)) for t in public_topics()]


def public_languages() -> list[tuple[str, int]]:
    """(language tag, number of public stories and translations in it), most first."""
    count = sa.func.count(Story.id)
    rows = db.session.execute(
        sa.select(Story.language, count)
        .where(is_public(), Story.update_of_id.is_(None))
        .group_by(Story.language)
        .order_by(count.desc(), Story.language)
    )
    return [(language, number) for language, number in rows]


@dataclass
class FilterChoices:
    """(value, label) options for the story filters, labels in the reader's language."""

    diagnoses: list[tuple[str, str]]
    topics: list[tuple[str, str]]
    languages: list[tuple[str, str]]
    countries: list[tuple[str, str]]


def filter_choices(filters: StoryFilters, locale: str | None = None) -> FilterChoices:
    """Options for the filter form: languages and countries that have public stories, plus
    whatever is chosen now (so the form shows it even when nothing matches)."""
    locale = locale or current_locale()
    languages = {tag for tag, _count in public_languages()} | (
        {filters.language} if filters.language else set()
    )
    countries = set(
        db.session.scalars(
            sa.select(Story.country).distinct().where(is_public(), Story.update_of_id.is_(None))
        )
    ) | ({filters.country} if filters.country else set())

    def by_label(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(pairs, key=lambda pair: pair[1].casefold())

    return FilterChoices(
        diagnoses=diagnosis_choices(locale),
        topics=[(t.slug, t.title(locale)) for t in public_topics()],
        languages=by_label((tag, language_name(tag, locale)) for tag in languages),
        countries=by_label((code, country_name(code, locale)) for code in countries),
    )


@dataclass
class HomePage:
    teasers: list[Teaser]
    diagnoses: list[DiagnosisNode]
    topics: list[TopicEntry]
    languages: list[tuple[str, int]]


def home_page(recent: int = 10) -> HomePage:
    return HomePage(recent_teasers(recent), diagnosis_tree(), topic_entries(), public_languages())


# --- listings with keyset pagination -------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """A position in a newest-first listing: the (published_at, id) of a story on it."""

    published_at: datetime
    story_id: int

    @classmethod
    def of(cls, story: Story) -> Cursor:
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
    stories: list[Story]
    newer: Cursor | None  # pass as `before` for the page of newer stories
    older: Cursor | None  # pass as `after` for the page of older stories

    @property
    def teasers(self) -> list[Teaser]:
        # Listings by language show each story on its own; the others nest translations.
        return [teaser(s, with_translations=s.translation_of_id is None) for s in self.stories]


def _filtered(filters: StoryFilters, syndicated: bool = False) -> sa.Select[tuple[Story]]:
    query = _filtered_public(filters)
    return query.where(is_syndicated()) if syndicated else query


def _filtered_public(filters: StoryFilters) -> sa.Select[tuple[Story]]:
    if filters.language:
        query = sa.select(Story).where(
            is_public(), Story.update_of_id.is_(None), Story.language == filters.language
        )
    else:
        query = sa.select(Story).where(is_public(), _is_original())
    # Translations are filed under their original's diagnoses and topics.
    source_id = sa.func.coalesce(Story.translation_of_id, Story.id)
    query = _filed_under(query, filters, source_id)
    if filters.country:
        query = query.where(Story.country == filters.country)
    # A published story always has a publication time; the keyset needs one.
    return query.where(Story.published_at.is_not(None))


def _filed_under(
    query: sa.Select[tuple[Story]], filters: StoryFilters, source_id: sa.ColumnElement[int]
) -> sa.Select[tuple[Story]]:
    """Keep stories whose `source_id` (the story itself, or the original it translates or
    continues) has the filter's diagnosis (sub-diagnoses included) and topic."""
    # Correlated EXISTS, not IN (subquery): the database walks the newest-first index and
    # probes each story's links by primary key, stopping at the page size, instead of first
    # collecting every story with a common diagnosis (a set that grows with the site).
    if filters.diagnosis:
        diagnosis = diagnosis_by_slug(filters.diagnosis)
        ids = _diagnosis_and_descendants(diagnosis) if diagnosis else []
        linked = sa.select(story_diagnoses.c.story_id).where(
            story_diagnoses.c.story_id == source_id, story_diagnoses.c.diagnosis_id.in_(ids)
        )
        query = query.where(linked.exists())
    if filters.topic:
        topic = topic_by_slug(filters.topic)
        topic_id = topic.id if topic else -1  # an unknown topic matches nothing
        linked = sa.select(story_topics.c.story_id).where(
            story_topics.c.story_id == source_id, story_topics.c.topic_id == topic_id
        )
        query = query.where(linked.exists())
    return query


def _older_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.or_(
        Story.published_at < cursor.published_at,
        sa.and_(Story.published_at == cursor.published_at, Story.id < cursor.story_id),
    )


def _newer_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.or_(
        Story.published_at > cursor.published_at,
        sa.and_(Story.published_at == cursor.published_at, Story.id > cursor.story_id),
    )


def _exists(query: sa.Select[tuple[Story]]) -> bool:
    return bool(db.session.scalar(sa.select(query.with_only_columns(Story.id).exists())))


def list_stories(
    filters: StoryFilters,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = 20,
    syndicated: bool = False,
) -> Listing:
    """One page of public stories, newest first, after or before a cursor (keyset paging);
    `syndicated` keeps only those their authors allow in feeds and the API.

    The cost of a page does not grow with how deep it is, and a story published while
    someone pages does not shift what they see next.
    """
    base = _filtered(filters, syndicated)
    if before is not None:
        rows = list(
            db.session.scalars(
                base.where(_newer_than(before))
                .options(*_teaser_options())
                .order_by(Story.published_at.asc(), Story.id.asc())
                .limit(limit + 1)
            )
        )
        has_newer = len(rows) > limit
        rows = list(reversed(rows[:limit]))
        has_older = bool(rows) and _exists(base.where(_older_than(Cursor.of(rows[-1]))))
    else:
        query = base if after is None else base.where(_older_than(after))
        rows = list(
            db.session.scalars(
                query.options(*_teaser_options())
                .order_by(Story.published_at.desc(), Story.id.desc())
                .limit(limit + 1)
            )
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


def cursor_at(filters: StoryFilters, position: int) -> Cursor | None:
    """The cursor of the `position`-th story (0-based) of a listing: turns old ?page= links
    into keyset links. None when the listing is shorter."""
    story = db.session.scalar(
        _filtered(filters)
        .order_by(Story.published_at.desc(), Story.id.desc())
        .offset(position)
        .limit(1)
    )
    return Cursor.of(story) if story else None


# --- one story ----------------------------------------------------------------------------


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


def related_teasers(story: Story, limit: int = 5) -> list[Teaser]:
    """Other public stories sharing a diagnosis with `story`: most shared first, then newest."""
    original = _source(story)
    diagnosis_ids = [d.id for d in original.diagnoses]
    if not diagnosis_ids:
        return []
    shared = (
        sa.select(story_diagnoses.c.story_id, sa.func.count().label("shared"))
        .where(
            story_diagnoses.c.diagnosis_id.in_(diagnosis_ids),
            story_diagnoses.c.story_id != original.id,
        )
        .group_by(story_diagnoses.c.story_id)
        .subquery()
    )
    stories = db.session.scalars(
        _originals()
        .join(shared, shared.c.story_id == Story.id)
        .order_by(None)
        .order_by(shared.c.shared.desc(), Story.published_at.desc(), Story.id.desc())
        .limit(limit)
    )
    return [teaser(s, with_translations=False) for s in stories]


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


# --- feeds and sitemap --------------------------------------------------------------------


def feed_stories(filters: StoryFilters, limit: int = 50) -> list[Story]:
    """Newest public stories for a feed: originals, translations and updates, as published,
    of the authors who allow feeds."""
    query = sa.select(Story).where(is_public(), is_syndicated(), Story.published_at.is_not(None))
    source_id = sa.func.coalesce(Story.translation_of_id, Story.update_of_id, Story.id)
    query = _filed_under(query, filters, source_id)
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
    lastmod: datetime | None  # the newest change to any public story
    stories: list[SitemapStory]
    diagnoses: list[str]
    topics: list[str]
    languages: list[str]


def sitemap() -> Sitemap:
    """Everything public that has its own page, with when it last changed."""
    rows = db.session.execute(
        sa.select(
            Story.id, Story.title, Story.language, Story.updated_at, Story.translation_of_id
        ).where(is_public(), Story.update_of_id.is_(None))
    ).all()
    # An update changes the page of the story it continues.
    update_times = dict(
        db.session.execute(
            sa.select(Story.update_of_id, sa.func.max(Story.updated_at))
            .where(is_public(), Story.update_of_id.is_not(None))
            .group_by(Story.update_of_id)
        ).all()
    )
    versions: dict[int, list[tuple[str, int, str]]] = {}
    for story_id, title, language, _updated, translation_of in rows:
        slug = slugify(title, max_length=60, word_boundary=True) or "story"
        versions.setdefault(translation_of or story_id, []).append((language, story_id, slug))
    stories = []
    for story_id, title, language, updated, translation_of in rows:
        family = translation_of or story_id
        later = update_times.get(family)
        stories.append(
            SitemapStory(
                story_id=story_id,
                slug=slugify(title, max_length=60, word_boundary=True) or "story",
                language=language,
                lastmod=max(updated, later) if later else updated,
                alternates=sorted(versions[family], key=lambda v: v[1])
                if len(versions[family]) > 1
                else [],
            )
        )
    stories.sort(key=lambda s: s.story_id)
    return Sitemap(
        lastmod=max((s.lastmod for s in stories), default=None),
        stories=stories,
        diagnoses=[d.slug for d in public_diagnoses()],
        topics=[t.slug for t in public_topics()],
        languages=[language for language, _count in public_languages()],
    )


# --- what published data says about how identifiable a story is ---------------------------


@dataclass(frozen=True)
class IdentificationCounts:
    """Published originals per country, and per diagnosis with its sub-diagnoses."""

    by_country: dict[str, int]
    by_diagnosis: dict[int, int]


def identification_counts() -> IdentificationCounts:
    """Two grouped queries, kept for the rest of the request (the queue asks per row)."""
    if has_app_context() and "identification_counts" in g:
        return g.identification_counts
    counts = IdentificationCounts(
        by_country=dict(
            db.session.execute(
                sa.select(Story.country, sa.func.count(Story.id))
                .where(is_public(), _is_original())
                .group_by(Story.country)
            ).all()
        ),
        by_diagnosis=_subtree_counts(),
    )
    if has_app_context():
        g.identification_counts = counts
    return counts
