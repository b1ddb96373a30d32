"""What listing pages say above their stories: headings, the diagnosis tree with counts, topic
entries, filter choices and labels, the home page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from storyhub import cache_versions
from storyhub.i18n import country_name, current_locale, language_name
from storyhub.models import (
    Topic,
)
from storyhub.sanitize import html_to_text, make_excerpt
from storyhub.services.catalog.counts import (
    diagnosis_story_counts,
    diagnosis_topic_counts,
    public_countries,
    public_languages,
    topic_story_counts,
)
from storyhub.services.catalog.listings import (
    StoryFilters,
)
from storyhub.services.catalog.snapshot import (
    DiagnosisNode,
    public_topics,
    taxonomy,
)
from storyhub.services.catalog.teasers import (
    Teaser,
    recent_teasers,
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
    return cache_versions.per_generation(
        ("diagnosis-topics", slug, limit), lambda: _diagnosis_topics(slug, limit)
    )


def _diagnosis_topics(slug: str, limit: int) -> list[tuple[str, int]]:
    """From the kept diagnosis-topic counts: no story is counted here."""
    known = taxonomy()
    subtree = known.diagnosis_subtrees.get(slug)
    if not subtree:
        return []
    counts = diagnosis_topic_counts().get(subtree[0], {})
    slugs = {topic_id: topic_slug for topic_slug, topic_id in known.topic_ids.items()}
    order = {topic_slug: place for place, topic_slug in enumerate(known.topic_order)}
    found = [(slugs[t], n) for t, n in counts.items() if t in slugs]
    found.sort(key=lambda pair: (-pair[1], order.get(pair[0], len(order)), pair[0]))
    return found[:limit]


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


def diagnosis_tree(locale: str | None = None) -> list[DiagnosisNode]:
    """The taxonomy as a tree, names in `locale`, each node with its story count."""
    locale = locale or current_locale()
    counts = diagnosis_story_counts()
    return cache_versions.per_generation(
        ("diagnosis-tree", locale), lambda: taxonomy().tree(locale, counts)
    )


def diagnosis_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """Return (slug, name) for forms, each parent followed by its sub-diagnoses."""
    locale = locale or current_locale()
    return cache_versions.per_generation(
        ("diagnosis-choices", locale), lambda: taxonomy().choices(locale)
    )


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
    countries = public_countries() | ({filters.country} if filters.country else set())

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
