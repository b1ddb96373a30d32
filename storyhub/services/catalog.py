"""Read queries for public pages, feeds, the sitemap and the API. Every one filters through
`is_public`: readers never see a story that is not published, or a translation or update whose
original is not. Nothing here touches submitters.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
import sqlalchemy.orm as so
from slugify import slugify

from storyhub import pagecache
from storyhub.extensions import db
from storyhub.i18n import country_name, current_locale, language_autonym, language_name
from storyhub.models import (
    Diagnosis,
    DiagnosisName,
    Story,
    StoryStatus,
    Topic,
    TopicText,
    story_diagnoses,
    story_topics,
)
from storyhub.sanitize import html_to_text, make_excerpt

_Original = so.aliased(Story)
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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
                sa.and_(_Original.id == Story.translation_of_id, _Original.allow_translation),
                _Original.id == Story.update_of_id,
            )
        )
        .exists()
    )
    published = (
        sa.func.lower(Story.status) == StoryStatus.PUBLISHED.value
        if by_key
        else Story.status == StoryStatus.PUBLISHED
    )
    return sa.and_(
        published,
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


def title_slug(title: str) -> str:
    # The backend named: with "auto", python-slugify looks for the optional `unidecode` on
    # every call with an accent in it, a failed import that walks sys.path each time.
    return slugify(title, max_length=60, word_boundary=True, backend="text-unidecode") or "story"


def story_slug(story: TeaserSource | Story) -> str:
    return title_slug(story.title)


def is_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value))


# --- teasers -----------------------------------------------------------------------------

# What a teaser shows and links to: loaded as plain rows, not ORM objects, because listings
# are the most requested pages (see bench/RESULTS.md). Rows and Story objects both work.
_TEASER_COLUMNS = (
    Story.id,
    Story.title,
    Story.author_name,
    Story.language,
    Story.country,
    Story.excerpt,
    Story.published_at,
    Story.translation_of_id,
    Story.update_of_id,
    Story.allow_translation,
)


class TeaserSource(Protocol):
    """A story as a teaser needs it: a row of _TEASER_COLUMNS or a Story."""

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


def _source(story: Story) -> Story:
    """The story whose diagnoses and topics apply: a translation shares its original's."""
    return story.translation_of or story.update_of or story


def _source_id(story: TeaserSource) -> int:
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
    filed = _diagnosis_ids_of({_source_id(s) for s in every})
    names = taxonomy()

    def one(story: TeaserSource, nested: list[TeaserSource]) -> Teaser:
        # Each teaser reads in its story's own language: names of diagnoses and country too.
        language = story.language.split("-")[0]
        return Teaser(
            story=story,
            diagnoses=", ".join(
                names.diagnosis_name(d, language) for d in filed.get(_source_id(story), ())
            ),
            country=country_name(story.country, language),
            language_label=language_autonym(story.language),
            translations=[one(t, []) for t in nested],
        )

    return [one(s, translations.get(s.id, [])) for s in stories]


def _public_translation_rows(original_ids: list[int]) -> list[Any]:
    if not original_ids:
        return []
    return list(
        db.session.execute(
            sa.select(*_TEASER_COLUMNS)
            .where(Story.translation_of_id.in_(original_ids), is_public())
            .order_by(Story.id)
        )
    )


def _diagnosis_ids_of(story_ids: set[int]) -> dict[int, list[int]]:
    """Diagnosis ids each story is filed under, in the taxonomy's order."""
    if not story_ids:
        return {}
    filed: dict[int, list[int]] = {}
    rows = db.session.execute(
        sa.select(story_diagnoses.c.story_id, story_diagnoses.c.diagnosis_id)
        .join(Diagnosis, Diagnosis.id == story_diagnoses.c.diagnosis_id)
        .where(story_diagnoses.c.story_id.in_(story_ids))
        .order_by(Diagnosis.position, Diagnosis.id)
    )
    for story_id, diagnosis_id in rows:
        filed.setdefault(story_id, []).append(diagnosis_id)
    return filed


def _teaser_options() -> list[so.interfaces.LoaderOption]:
    """For pages that need whole stories (feeds, the API): their links in a few queries."""
    translations = so.selectinload(Story.translations)
    return [
        so.selectinload(Story.diagnoses),
        translations,
        translations.selectinload(Story.diagnoses),
        so.selectinload(Story.translation_of).selectinload(Story.diagnoses),
    ]


def _original_rows() -> sa.Select[Any]:
    """Public originals (not translations or updates), newest first, as teaser rows."""
    return (
        sa.select(*_TEASER_COLUMNS)
        .where(is_public(), _is_original())
        .order_by(Story.published_at.desc(), Story.id.desc())
    )


def recent_teasers(limit: int = 10) -> list[Teaser]:
    return teasers(list(db.session.execute(_original_rows().limit(limit))))


def public_rows_by_id(ids: Iterable[int]) -> dict[int, TeaserSource]:
    """Return the public stories among `ids`, as teaser rows, by id."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(*_TEASER_COLUMNS).where(Story.id.in_(ids), is_public(by_key=True))
    )
    return {row.id: row for row in rows}


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


@dataclass(frozen=True)
class Taxonomy:
    """Diagnoses and topics as plain data, kept by each worker until public content changes
    (pagecache.per_generation): listings resolve slugs and name diagnoses without a query."""

    diagnosis_parents: dict[int, int | None]
    diagnosis_children: dict[int | None, tuple[int, ...]]  # parent (None: top) → by position
    diagnosis_slugs: dict[int, str]
    diagnosis_names: dict[int, dict[str, str]]  # id → language → name
    diagnosis_descriptions: dict[int, dict[str, str]]  # id → language → reviewed description
    diagnosis_subtrees: dict[str, tuple[int, ...]]  # slug → its id and its descendants'
    topic_ids: dict[str, int]  # slug → id
    topic_texts: dict[str, dict[str, tuple[str, str]]]  # slug → language → (title, description)

    def diagnosis_name(self, diagnosis_id: int, locale: str) -> str:
        """The name in `locale`, falling back to English, then the slug (as Diagnosis.name)."""
        names = self.diagnosis_names.get(diagnosis_id, {})
        return names.get(locale) or names.get("en") or self.diagnosis_slugs.get(diagnosis_id, "")

    def diagnosis_description(self, diagnosis_id: int, locale: str) -> tuple[str, str]:
        """(description, its language): in `locale`, else English, else ("", locale)."""
        texts = self.diagnosis_descriptions.get(diagnosis_id, {})
        for language in (locale, "en"):
            if texts.get(language):
                return texts[language], language
        return "", locale


def taxonomy() -> Taxonomy:
    return pagecache.per_generation(("taxonomy",), _load_taxonomy)


def _load_taxonomy() -> Taxonomy:
    diagnoses = db.session.execute(
        sa.select(Diagnosis.id, Diagnosis.slug, Diagnosis.parent_id).order_by(
            Diagnosis.position, Diagnosis.slug
        )
    ).all()
    names: dict[int, dict[str, str]] = {}
    descriptions: dict[int, dict[str, str]] = {}
    for diagnosis_id, language, name, description in db.session.execute(
        sa.select(
            DiagnosisName.diagnosis_id,
            DiagnosisName.language,
            DiagnosisName.name,
            DiagnosisName.description,
        )
    ):
        names.setdefault(diagnosis_id, {})[language] = name
        if description:
            descriptions.setdefault(diagnosis_id, {})[language] = description
    children: dict[int | None, list[int]] = {}
    for diagnosis_id, _slug, parent_id in diagnoses:
        children.setdefault(parent_id, []).append(diagnosis_id)

    def subtree(root: int) -> tuple[int, ...]:
        ids, frontier = [root], [root]
        while frontier:  # `ids` guards against a parent loop typed in by an administrator
            frontier = [c for f in frontier for c in children.get(f, []) if c not in ids]
            ids.extend(frontier)
        return tuple(ids)

    texts: dict[str, dict[str, tuple[str, str]]] = {}
    for slug, language, title, description in db.session.execute(
        sa.select(Topic.slug, TopicText.language, TopicText.title, TopicText.description_html)
        .join(TopicText, TopicText.topic_id == Topic.id)
        .order_by(TopicText.id)
    ):
        texts.setdefault(slug, {})[language] = (title, description)
    return Taxonomy(
        diagnosis_parents={d.id: d.parent_id for d in diagnoses},
        diagnosis_children={parent: tuple(ids) for parent, ids in children.items()},
        diagnosis_slugs={d.id: d.slug for d in diagnoses},
        diagnosis_names=names,
        diagnosis_descriptions=descriptions,
        diagnosis_subtrees={d.slug: subtree(d.id) for d in diagnoses},
        topic_ids=dict(db.session.execute(sa.select(Topic.slug, Topic.id)).all()),
        topic_texts=texts,
    )


@dataclass(frozen=True)
class DiagnosisHeading:
    """What a diagnosis page says above its stories, in one interface language."""

    slug: str
    name: str
    parent: tuple[str, str] | None  # (slug, name)
    children: list[tuple[str, str]]
    description: str = ""  # plain text an administrator wrote
    description_language: str = ""
    topics: list[tuple[str, str, int]] = field(default_factory=list)  # (slug, title, stories)


def diagnosis_heading(slug: str, locale: str | None = None) -> DiagnosisHeading | None:
    """From the taxonomy snapshot (no query); None for an unknown slug."""
    known = taxonomy()
    subtree = known.diagnosis_subtrees.get(slug)
    if subtree is None:
        return None
    locale = locale or current_locale()
    own = subtree[0]

    def named(diagnosis_id: int) -> tuple[str, str]:
        return known.diagnosis_slugs[diagnosis_id], known.diagnosis_name(diagnosis_id, locale)

    parent = known.diagnosis_parents.get(own)
    description, description_language = known.diagnosis_description(own, locale)
    topics = []
    for topic_slug, count in diagnosis_topics(slug):
        heading = topic_heading(topic_slug, locale)
        if heading:
            topics.append((topic_slug, heading.title, count))
    return DiagnosisHeading(
        slug=slug,
        name=known.diagnosis_name(own, locale),
        parent=named(parent) if parent is not None else None,
        children=[named(child) for child in known.diagnosis_children.get(own, ())],
        description=description,
        description_language=description_language,
        topics=topics,
    )


def diagnosis_topics(slug: str, limit: int = 8) -> list[tuple[str, int]]:
    """The topics most stories filed under this diagnosis (or a sub-diagnosis) belong to:
    (topic slug, stories), most first; once per publish generation."""
    return pagecache.per_generation(
        ("diagnosis-topics", slug, limit), lambda: _diagnosis_topics(slug, limit)
    )


def _diagnosis_topics(slug: str, limit: int) -> list[tuple[str, int]]:
    ids = taxonomy().diagnosis_subtrees.get(slug, ())
    filed = (
        sa.select(story_diagnoses.c.story_id)
        .where(story_diagnoses.c.diagnosis_id.in_(ids))
        .distinct()
        .subquery()
    )
    count = sa.func.count(sa.distinct(story_topics.c.story_id))
    rows = db.session.execute(
        sa.select(Topic.slug, count)
        .join(story_topics, story_topics.c.topic_id == Topic.id)
        .join(filed, filed.c.story_id == story_topics.c.story_id)
        .join(Story, Story.id == story_topics.c.story_id)
        .where(is_public(), _is_original())
        .group_by(Topic.slug, Topic.position)
        .order_by(count.desc(), Topic.position, Topic.slug)
        .limit(limit)
    )
    return [(topic_slug, number) for topic_slug, number in rows]


@dataclass(frozen=True)
class TopicHeading:
    """What a topic page says above its stories: title and sanitised description."""

    slug: str
    title: str
    description_html: str  # sanitised when stored (sanitize.py)
    language: str  # of the text shown, which may fall back to English


def topic_heading(slug: str, locale: str | None = None) -> TopicHeading | None:
    """From the taxonomy snapshot (no query), as Topic.text picks the language."""
    known = taxonomy()
    if slug not in known.topic_ids:
        return None
    texts = known.topic_texts.get(slug, {})
    locale = locale or current_locale()
    language = next((lang for lang in (locale, "en", *texts) if lang in texts), None)
    if language is None:
        return TopicHeading(slug, slug, "", locale)
    title, description = texts[language]
    return TopicHeading(slug, title, description, language)


def diagnosis_story_counts() -> dict[int, int]:
    """Public originals per diagnosis id (sub-diagnoses included), once per generation."""
    return pagecache.per_generation(("diagnosis-counts",), _subtree_counts)


def topic_story_counts() -> dict[int, int]:
    """Public originals per topic id, once per generation."""
    return pagecache.per_generation(("topic-counts",), _topic_counts)


def _topic_counts() -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(story_topics.c.topic_id, sa.func.count(sa.distinct(Story.id)))
            .join(Story, Story.id == story_topics.c.story_id)
            .where(is_public(), _is_original())
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
    description: str = ""


def diagnosis_tree(locale: str | None = None) -> list[DiagnosisNode]:
    """The taxonomy as a tree, names in `locale`, each node with its story count."""
    locale = locale or current_locale()
    counts = diagnosis_story_counts()
    known = taxonomy()
    by_parent: dict[int | None, list[Diagnosis]] = {}
    for diagnosis in public_diagnoses():
        by_parent.setdefault(diagnosis.parent_id, []).append(diagnosis)

    def nodes(parent_id: int | None) -> list[DiagnosisNode]:
        return [
            DiagnosisNode(
                d,
                d.name(locale),
                counts.get(d.id, 0),
                nodes(d.id),
                known.diagnosis_description(d.id, locale)[0],
            )
            for d in by_parent.get(parent_id, [])
        ]

    return nodes(None)


def diagnosis_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """Return (slug, name) for forms, each parent followed by its sub-diagnoses."""
    locale = locale or current_locale()
    return pagecache.per_generation(("diagnosis-choices", locale), lambda: _choices(locale))


def _choices(locale: str) -> list[tuple[str, str]]:
    known = taxonomy()
    choices: list[tuple[str, str]] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for diagnosis_id in known.diagnosis_children.get(parent_id, ()):
            name = known.diagnosis_name(diagnosis_id, locale)
            choices.append((known.diagnosis_slugs[diagnosis_id], "— " * depth + name))
            if depth < len(known.diagnosis_slugs):  # a parent loop cannot recurse for ever
                visit(diagnosis_id, depth + 1)

    visit(None, 0)
    return choices


@dataclass
class TopicEntry:
    topic: Topic
    title: str
    count: int
    summary: str = ""  # the description's first sentence, plain text


def topic_entries(locale: str | None = None) -> list[TopicEntry]:
    """Every topic, titled in `locale`, with how many public stories it links."""
    locale = locale or current_locale()
    counts = topic_story_counts()
    entries = []
    for topic in public_topics():
        text = topic.text(locale)
        summary = make_excerpt(html_to_text(text.description_html), 160) if text else ""
        entries.append(TopicEntry(topic, topic.title(locale), counts.get(topic.id, 0), summary))
    return entries


def public_languages() -> list[tuple[str, int]]:
    """(language tag, number of public stories and translations in it), most first. A count
    over every public story: made once per worker until published content changes."""
    return pagecache.per_generation(("public-languages",), _count_languages)


def _public_countries() -> frozenset[str]:
    """Countries with public stories: like the languages, once per generation."""
    return pagecache.per_generation(
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
    countries = _public_countries() | ({filters.country} if filters.country else set())

    def by_label(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(pairs, key=lambda pair: pair[1].casefold())

    return FilterChoices(
        diagnoses=diagnosis_choices(locale),
        topics=[(t.slug, t.title(locale)) for t in public_topics()],
        languages=by_label((tag, language_name(tag, locale)) for tag in languages),
        countries=by_label((code, country_name(code, locale)) for code in countries),
    )


@dataclass(frozen=True)
class FilterLabels:
    """The active filters named in the reader's language, for titles and removable chips."""

    diagnosis: str = ""
    topic: str = ""
    language: str = ""
    language_in_text: str = ""  # CLDR's own case, for within a sentence
    country: str = ""

    @property
    def subject(self) -> str:
        return ", ".join(name for name in (self.diagnosis, self.topic) if name)


def filter_labels(filters: StoryFilters, locale: str | None = None) -> FilterLabels:
    """From the taxonomy snapshot and the locale data: no query."""
    locale = locale or current_locale()
    known = taxonomy()
    subtree = known.diagnosis_subtrees.get(filters.diagnosis)
    topic = topic_heading(filters.topic, locale) if filters.topic else None
    return FilterLabels(
        diagnosis=known.diagnosis_name(subtree[0], locale) if subtree else "",
        topic=topic.title if topic else "",
        language=language_name(filters.language, locale) if filters.language else "",
        language_in_text=(
            language_name(filters.language, locale, capitalize=False) if filters.language else ""
        ),
        country=country_name(filters.country, locale) if filters.country else "",
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
    # The page looked through SCAN_WINDOW stories and found fewer than a page: more may match
    # past them (the pager continues from where it stopped).
    looked_through: bool = False

    @property
    def teasers(self) -> list[Teaser]:
        # Listings by language show each translation on its own; originals nest theirs.
        return teasers(self.stories)


def _filtered(filters: StoryFilters, syndicated: bool = False) -> sa.Select[tuple[Story]]:
    query = _filtered_public(filters)
    return query.where(is_syndicated()) if syndicated else query


def _filtered_public(filters: StoryFilters) -> sa.Select[tuple[Story]]:
    if filters.language:
        query = sa.select(Story).where(
            is_public(), Story.update_of_id.is_(None), Story.language == filters.language
        )
        # Translations are filed under their original's diagnoses and topics.
        source_id: sa.ColumnElement[int] = sa.func.coalesce(Story.translation_of_id, Story.id)
    else:
        query = sa.select(Story).where(is_public(), _is_original())
        # Only originals: the plain id lets the database probe the link tables by key.
        source_id = Story.id
    query = filed_under(query, filters, source_id)
    if filters.country:
        query = query.where(Story.country == filters.country)
    # A published story always has a publication time; the keyset needs one.
    return query.where(Story.published_at.is_not(None))


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


# Each with the plain bound on published_at as well: the OR alone gives the index no end to
# start from, and a page deep in the listing would first step over every newer story.
def _older_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.and_(
        Story.published_at <= cursor.published_at,
        sa.or_(
            Story.published_at < cursor.published_at,
            sa.and_(Story.published_at == cursor.published_at, Story.id < cursor.story_id),
        ),
    )


def _newer_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    return sa.and_(
        Story.published_at >= cursor.published_at,
        sa.or_(
            Story.published_at > cursor.published_at,
            sa.and_(Story.published_at == cursor.published_at, Story.id > cursor.story_id),
        ),
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
    """One page of whole public stories (feeds, the API), newest first; `syndicated` keeps
    only those their authors allow in feeds and the API. See _keyset_page."""
    return _keyset_page(
        _filtered(filters, syndicated),
        lambda query: list(db.session.scalars(query.options(*_teaser_options()))),
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
    return _keyset_page(
        _filtered(filters),
        lambda query: list(db.session.execute(query.with_only_columns(*_TEASER_COLUMNS))),
        after,
        before,
        limit,
    )


# A listing walks the newest-first index of public stories and keeps those its filters match.
# A rare combination of filters (a country and a small diagnosis) would walk most of the site
# for one page, so each page looks through at most SCAN_WINDOW public stories past its cursor:
# the page's query stops at the last story of that window, found by a subquery that reads
# ix_stories_status_published_at alone (no table rows). Most listings fill their page within
# the first FIRST_WINDOW stories, tried first. When the window runs out before the page is
# full, the page says so and the pager continues from where it stopped.
SCAN_WINDOW = 5000
FIRST_WINDOW = 500  # tried first (see _walk)


def _window_keys(cursor: Cursor | None, newest_first: bool, size: int) -> sa.Subquery:
    """(id, published_at) of the next `size` published stories past `cursor`, in walking
    order."""
    keys = sa.select(Story.id, Story.published_at).where(
        Story.status == StoryStatus.PUBLISHED, Story.published_at.is_not(None)
    )
    if newest_first:
        keys = keys.where(_older_than(cursor)) if cursor is not None else keys
        keys = keys.order_by(Story.published_at.desc(), Story.id.desc())
    else:
        assert cursor is not None
        keys = keys.where(_newer_than(cursor)).order_by(Story.published_at.asc(), Story.id.asc())
    return keys.limit(size).subquery("scan_window")


def _backwards(window: sa.Subquery, newest_first: bool) -> tuple[Any, Any]:
    if newest_first:
        return window.c.published_at.asc(), window.c.id.asc()
    return window.c.published_at.desc(), window.c.id.desc()


def _within_window(
    cursor: Cursor | None, newest_first: bool, size: int = 0
) -> sa.ColumnElement[bool]:
    """SQL condition: the story is not past the last of the next `size` (SCAN_WINDOW)
    published stories past `cursor`. Uncorrelated subqueries, run once: the window's last
    publication time bounds the index range; its id, needed only at that very time, breaks
    the tie."""
    window = _window_keys(cursor, newest_first, size or SCAN_WINDOW)
    last = sa.select(window.c.published_at, window.c.id).order_by(*_backwards(window, newest_first))
    published_at = last.with_only_columns(window.c.published_at).limit(1).scalar_subquery()
    story_id = last.with_only_columns(window.c.id).limit(1).scalar_subquery()
    if newest_first:
        return sa.and_(
            Story.published_at >= published_at,
            sa.or_(
                Story.published_at > published_at,
                sa.and_(Story.published_at == published_at, Story.id >= story_id),
            ),
        )
    return sa.and_(
        Story.published_at <= published_at,
        sa.or_(
            Story.published_at < published_at,
            sa.and_(Story.published_at == published_at, Story.id <= story_id),
        ),
    )


def _window_end(cursor: Cursor | None, newest_first: bool) -> Cursor | None:
    """The last story of the window past `cursor` when more published stories lie past it
    (the pager continues from there), else None: the listing ends inside the window."""
    window = _window_keys(cursor, newest_first, SCAN_WINDOW + 1)
    ends = db.session.execute(
        sa.select(window.c.published_at, window.c.id, sa.func.count().over())
        .order_by(*_backwards(window, newest_first))
        .limit(2)
    ).all()
    if len(ends) < 2 or ends[0][2] <= SCAN_WINDOW:
        return None
    return Cursor(ends[1][0], ends[1][1])


def _may_follow(base: sa.Select[tuple[Story]], cursor: Cursor, newest_first: bool) -> bool:
    """Whether the listing may go on past `cursor`: a match within the next window, or more
    stories past that window (the pager then looks further)."""
    past = base.where(_older_than(cursor) if newest_first else _newer_than(cursor))
    for size in (FIRST_WINDOW, SCAN_WINDOW):
        if _exists(past.where(_within_window(cursor, newest_first, size))):
            return True
    return _window_end(cursor, newest_first) is not None


def _walk(
    query: sa.Select[tuple[Story]],
    fetch: Callable[[sa.Select[tuple[Story]]], list[Any]],
    cursor: Cursor | None,
    newest_first: bool,
    limit: int,
) -> list[Any]:
    """Up to `limit` + 1 rows past `cursor`: first within FIRST_WINDOW stories (reading the
    window's end costs a little per story in it, and most listings fill a page there), then,
    for a listing that did not, within SCAN_WINDOW."""
    if newest_first:
        order = (Story.published_at.desc(), Story.id.desc())
    else:
        order = (Story.published_at.asc(), Story.id.asc())
    rows: list[Any] = []
    for size in (FIRST_WINDOW, SCAN_WINDOW):
        rows = fetch(
            query.where(_within_window(cursor, newest_first, size))
            .order_by(*order)
            .limit(limit + 1)
        )
        if len(rows) > limit:
            break
    return rows


def _keyset_page(
    base: sa.Select[tuple[Story]],
    fetch: Callable[[sa.Select[tuple[Story]]], list[Any]],
    after: Cursor | None,
    before: Cursor | None,
    limit: int,
) -> Listing:
    """Newest first, after or before a cursor (keyset paging): the cost of a page does not
    grow with how deep it is, and a story published while someone pages does not shift what
    they see next. Each page looks through at most SCAN_WINDOW stories (see there)."""
    if before is not None:
        rows = _walk(base.where(_newer_than(before)), fetch, before, False, limit)
        end = None if len(rows) > limit else _window_end(before, newest_first=False)
        newer = Cursor.of(rows[limit - 1]) if len(rows) > limit else end
        rows = list(reversed(rows[:limit]))
        older = None
        if rows and _may_follow(base, Cursor.of(rows[-1]), newest_first=True):
            older = Cursor.of(rows[-1])
    else:
        query = base if after is None else base.where(_older_than(after))
        rows = _walk(query, fetch, after, True, limit)
        end = None if len(rows) > limit else _window_end(after, newest_first=True)
        older = Cursor.of(rows[limit - 1]) if len(rows) > limit else end
        rows = rows[:limit]
        newer = None
        if rows and after is not None and _may_follow(base, Cursor.of(rows[0]), False):
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
    return pagecache.per_generation(("listing-count", filters), lambda: _listing_count(filters))


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
    matches = _filtered(filters).where(_within_window(None, True, COUNT_WINDOW))
    capped = matches.with_only_columns(Story.id).limit(COUNT_CAP + 1).subquery()
    window = _window_keys(None, True, COUNT_WINDOW + 1)
    count, looked = db.session.execute(
        sa.select(
            sa.select(sa.func.count()).select_from(capped).scalar_subquery(),
            sa.select(sa.func.count()).select_from(window).scalar_subquery(),
        )
    ).one()
    return ListingCount(min(count, COUNT_CAP), count > COUNT_CAP or looked > COUNT_WINDOW)


def cursor_after_pages(filters: StoryFilters, pages: int, per_page: int) -> Cursor | None:
    """The cursor of the last story on page `pages` of a listing: turns old ?page= links into
    keyset links. Walks the keyset a page at a time, as the pager does (no OFFSET; each step
    looks through at most SCAN_WINDOW stories). None when the listing is shorter."""
    keys = _filtered(filters).with_only_columns(Story.published_at, Story.id)
    cursor: Cursor | None = None
    for _page in range(pages):
        query = keys if cursor is None else keys.where(_older_than(cursor))
        rows = db.session.execute(
            query.where(_within_window(cursor, newest_first=True))
            .order_by(Story.published_at.desc(), Story.id.desc())
            .limit(per_page)
        ).all()
        if len(rows) == per_page:
            cursor = Cursor(*rows[-1])
        elif (end := _window_end(cursor, newest_first=True)) is not None:
            cursor = end
        else:
            return None
    return cursor


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


def _sharing_diagnoses(story_id: int, diagnosis_ids: list[int]) -> sa.Subquery:
    """Other stories filed under any of `diagnosis_ids`, with how many they share."""
    return (
        sa.select(story_diagnoses.c.story_id, sa.func.count().label("shared"))
        .where(
            story_diagnoses.c.diagnosis_id.in_(diagnosis_ids),
            story_diagnoses.c.story_id != story_id,
        )
        .group_by(story_diagnoses.c.story_id)
        .subquery()
    )


def related_teasers(story: Story, limit: int = 5) -> list[Teaser]:
    """Other public stories sharing a diagnosis with `story`: most shared first, then newest."""
    original = _source(story)
    diagnosis_ids = [d.id for d in original.diagnoses]
    if not diagnosis_ids:
        return []
    shared = _sharing_diagnoses(original.id, diagnosis_ids)
    rows = db.session.execute(
        _original_rows()
        .join(shared, shared.c.story_id == Story.id)
        .order_by(None)
        .order_by(shared.c.shared.desc(), Story.published_at.desc(), Story.id.desc())
        .limit(limit)
    )
    return teasers(list(rows), with_translations=False)


@dataclass
class StoriesLike:
    """Stories sharing a story's diagnoses: first those readable in the reader's language
    (written in it or translated into it), then the others, each with its translations."""

    story: Story
    diagnoses: list[tuple[Diagnosis, str]]  # the story's, named in the reader's language
    in_language: list[Teaser]
    others: list[Teaser]
    language: str


def stories_like(story: Story, language: str, limit: int = 20) -> StoriesLike:
    """Most diagnoses in common first, then newest; at most `limit` in each group, so the
    page costs the same whatever the site's size (two index probes per candidate)."""
    original = _source(story)
    diagnosis_ids = [d.id for d in original.diagnoses]
    named = [(d, d.name(current_locale())) for d in original.diagnoses]
    if not diagnosis_ids:
        return StoriesLike(story, named, [], [], language)
    shared = _sharing_diagnoses(original.id, diagnosis_ids)
    in_language = Story.language.startswith(language.split("-")[0], autoescape=True)
    source_id = sa.func.coalesce(Story.translation_of_id, Story.id)
    readable = list(
        db.session.execute(
            sa.select(*_TEASER_COLUMNS)
            .join(shared, shared.c.story_id == source_id)
            .where(is_public(), Story.update_of_id.is_(None), in_language)
            .order_by(shared.c.shared.desc(), Story.published_at.desc(), Story.id.desc())
            .limit(limit)
        )
    )
    seen = {_source_id(row) for row in readable}
    others = [
        row
        for row in db.session.execute(
            _original_rows()
            .join(shared, shared.c.story_id == Story.id)
            .where(sa.not_(in_language))
            .order_by(None)
            .order_by(shared.c.shared.desc(), Story.published_at.desc(), Story.id.desc())
            .limit(limit + len(seen))
        )
        if row.id not in seen
    ][:limit]
    return StoriesLike(
        story, named, teasers(readable, with_translations=False), teasers(others), language
    )


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
    return -(-highest // SITEMAP_BLOCK)


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
    low, high = block * SITEMAP_BLOCK + 1, (block + 1) * SITEMAP_BLOCK
    in_block = Story.id.between(low, high)
    columns = (Story.id, Story.title, Story.language, Story.updated_at, Story.translation_of_id)
    rows = db.session.execute(
        sa.select(*columns).where(in_block, is_public(by_key=True), Story.update_of_id.is_(None))
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
        sa.select(*columns).where(related, is_public(by_key=True), Story.update_of_id.is_(None))
    ):
        versions_by_id.setdefault(row.id, row)
    versions: dict[int, list[tuple[str, int, str]]] = {}
    for row in sorted(versions_by_id.values(), key=lambda r: r.id):
        family = row.translation_of_id or row.id
        versions.setdefault(family, []).append((row.language, row.id, title_slug(row.title)))
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
    for story_id, title, language, updated, translation_of in sorted(rows, key=lambda r: r.id):
        family = translation_of or story_id
        later = update_times.get(family)
        stories.append(
            SitemapStory(
                story_id=story_id,
                slug=title_slug(title),
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


# --- what published data says about how identifiable a story is ---------------------------


@dataclass(frozen=True)
class IdentificationCounts:
    """Published originals per country, and per diagnosis with its sub-diagnoses."""

    by_country: dict[str, int]
    by_diagnosis: dict[int, int]


def identification_counts() -> IdentificationCounts:
    """Two grouped queries, once per worker until published content changes: every
    submission and every queue row asks."""
    return pagecache.per_generation(("identification-counts",), _count_for_identification)


def _count_for_identification() -> IdentificationCounts:
    return IdentificationCounts(
        by_country=dict(
            db.session.execute(
                sa.select(Story.country, sa.func.count(Story.id))
                .where(is_public(), _is_original())
                .group_by(Story.country)
            ).all()
        ),
        by_diagnosis=_subtree_counts(),
    )
