"""Which cached pages a change makes stale: tags on pages, and the tags a change touches.

Every cached page carries tags, decided here from its endpoint, view arguments and query
parameters (so reader views know nothing of the cache); a committed change bumps the tags of
what it touched (storyhub/pagecache.py keeps one version counter per tag, and a page whose
tags moved on is a miss). Correctness comes first: a page lists every tag whose change could
alter it, and an endpoint not in the table below gets the coarse STORIES tag, which every
change to public stories bumps.

Story pages (and "stories like" pages) show their family (translations, updates) and stories
chosen among their *neighbours* (catalog/neighbours.py: under each diagnosis, the nearest
earlier public originals). A change to a story makes stale its own page and those of the
stories whose neighbours hold it, at most catalog.NEIGHBOURS per diagnosis (their `story:`
tags): a publish of a new story, whose id is above every other, makes stale no other story's
page. Only the pages of the first stories of a diagnosis, with too few earlier neighbours,
take later ones too and carry the diagnosis's `filed:` tag, which any change under it bumps;
topic, diagnosis and language pages list the stories with
that topic, diagnosis (or a sub-diagnosis) or language; listings with filters carry the tag of
each filter, plus FACETS (their filter menu lists the languages and countries that have
public stories); everything else that lists stories across the site (home, indexes with
counts, unfiltered listings, the main feed, sitemaps, search, the API's lists) carries
STORIES.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from storyhub.models import Diagnosis, Story, StoryStatus
from storyhub.models.story import story_diagnoses

ALL = "all"  # every page: bumped by taxonomy edits and bulk loads
STORIES = "stories"  # any change to a public story
FACETS = "facets"  # a story enters or leaves the site, or changes language or country


def story(story_id: int) -> str:
    return f"story:{story_id}"


def filed(diagnosis_id: int) -> str:
    """Stories filed directly under this diagnosis (a story page's related stories)."""
    return f"filed:{diagnosis_id}"


def diagnosis(slug: str) -> str:
    """Stories under this diagnosis or one of its sub-diagnoses."""
    return f"diagnosis:{slug}"


def topic(slug: str) -> str:
    return f"topic:{slug}"


def language(tag: str) -> str:
    return f"language:{tag.lower()}"


def country(code: str) -> str:
    return f"country:{code.upper()}"


# --- the tags of a page --------------------------------------------------------------------

_COARSE = frozenset({ALL, STORIES})
# Pages that show no stored story content at all (taxonomy edits still bump ALL).
_STATIC = frozenset({"reader.robots", "api.index", "api.openapi", "static"})
_FILTERS = ("country", "topic", "diagnosis", "language")  # most selective first


def page_tags(
    endpoint: str | None, view_args: Mapping[str, Any] | None, args: Mapping[str, str]
) -> frozenset[str]:
    """The tags of the page at `endpoint` with `view_args` and query parameters `args`."""
    view_args = view_args or {}
    if endpoint in _STATIC:
        return frozenset({ALL})
    if endpoint in _STORY_PAGES:
        return frozenset({ALL, *_story_page_tags(endpoint, int(view_args["story_id"]))})
    if endpoint in ("reader.topic", "reader.topic_feed"):
        return frozenset({ALL, topic(view_args["slug"])})
    if endpoint in ("reader.diagnosis", "reader.diagnosis_feed"):
        return frozenset({ALL, diagnosis(view_args["slug"])})
    if endpoint == "reader.language":
        return frozenset({ALL, language(view_args["tag"])})
    if endpoint in ("reader.stories", "api.stories"):
        dimensions = _filter_tags(args)
        if not dimensions:
            return _COARSE
        # The site's listing shows a filter menu of the languages and countries in use.
        return frozenset({ALL, *dimensions, *([FACETS] if endpoint == "reader.stories" else [])})
    return _COARSE


def _filter_tags(args: Mapping[str, str]) -> list[str]:
    """The tag of one filter given: the listing holds only stories matching all of them, so
    any one of its tags is bumped by every change that could add, drop or alter a story on it
    (a change bumps every dimension of the story, before and after). The first of _FILTERS
    given: a country is shared by fewer stories than a topic, a diagnosis (with its
    sub-diagnoses) or a language, so fewer publishes make the page stale."""
    made = {"diagnosis": diagnosis, "topic": topic, "language": language, "country": country}
    given = [made[name](args[name].strip()) for name in _FILTERS if args.get(name, "").strip()]
    return given[:1]


def _related_shown(endpoint: str) -> int:
    """How many stories related by diagnosis the page at `endpoint` shows (0: none)."""
    from storyhub.services.catalog import story as story_page

    shown = {"reader.story": story_page.RELATED_SHOWN, "reader.stories_like": story_page.LIKE_SHOWN}
    return shown.get(endpoint, 0)


_STORY_PAGES = frozenset({"reader.story", "reader.stories_like", "api.story"})


def _story_page_tags(endpoint: str, story_id: int) -> set[str]:
    """A story page shows its family (tagged by the original) and stories chosen among the
    original's neighbours: a change to one of them bumps this page's `story:` tag. A page of
    one of the first stories of a diagnosis, which takes later stories too, also carries the
    `filed:` tag of each of the original's diagnoses. Two queries: the original's id and
    diagnoses, and (pages with related stories) whether it has enough earlier neighbours."""
    from storyhub.extensions import db
    from storyhub.services.catalog.neighbours import fills_from_later

    source = sa.func.coalesce(Story.translation_of_id, Story.update_of_id, Story.id)
    rows = db.session.execute(
        sa.select(source, story_diagnoses.c.diagnosis_id)
        .select_from(Story)
        .outerjoin(story_diagnoses, story_diagnoses.c.story_id == source)
        .where(Story.id == story_id)
    ).all()
    tags = {story(story_id)} | {story(original_id) for original_id, _ in rows}
    diagnosis_ids = [diagnosis_id for _, diagnosis_id in rows if diagnosis_id is not None]
    shown = _related_shown(endpoint)
    if rows and shown and fills_from_later(rows[0][0], diagnosis_ids, shown):
        tags |= {filed(diagnosis_id) for diagnosis_id in diagnosis_ids}
    return tags


# --- the tags of a change ------------------------------------------------------------------


def _values(obj: Any, name: str) -> list[Any]:
    """Every value `name` had in this flush: before (deleted, unchanged) and after (added).
    An attribute not loaded is loaded now (before the flush: the stored value, unchanged)."""
    state = sa.inspect(obj)
    history = state.attrs[name].history
    if not history.has_changes() and not history.unchanged:
        if state.transient or state.pending:
            return []
        value = getattr(obj, name)  # not loaded: load it (nothing changed it)
        return list(value) if isinstance(value, list) else [value]
    values: list[Any] = []
    for part in (history.deleted, history.unchanged, history.added):
        for value in part or ():
            values.extend(value if isinstance(value, list) else [value])
    return values


def _diagnosis_tags(diagnoses: Iterable[Diagnosis]) -> set[str]:
    tags = set()
    for item in diagnoses:
        tags.add(filed(item.id))
        seen = 0
        node: Diagnosis | None = item
        while node is not None and seen < 50:  # ancestors show sub-diagnoses' stories
            tags.add(diagnosis(node.slug))
            node, seen = node.parent, seen + 1
    return tags


def _neighbour_tags(obj: Story) -> set[str]:
    """The pages of the stories whose neighbours hold this story's original (related stories
    are originals; "stories like" pages also show their translations): under each of its
    diagnoses before and after the change, the first NEIGHBOURS public originals after it. An
    update shows on its own story's page only."""
    from storyhub.services.catalog.neighbours import later_neighbours

    if obj.update_of_id is not None or obj.update_of is not None:
        return set()
    original = obj.translation_of or obj
    if original.id is None:  # new: its id will be above every other story's
        return set()
    diagnosis_ids = sorted({d.id for d in _values(original, "diagnoses") if d.id is not None})
    return {story(i) for i in later_neighbours(original.id, diagnosis_ids)}


def _dimension_tags(obj: Story) -> set[str]:
    tags = {language(v) for v in _values(obj, "language") if v}
    tags |= {country(v) for v in _values(obj, "country") if v}
    tags |= {topic(t.slug) for t in _values(obj, "topics")}
    tags |= _diagnosis_tags(_values(obj, "diagnoses"))
    return tags


def is_public_change(obj: Story) -> bool:
    """Whether a change to this story can alter a public page: it is, was or becomes
    published (a translation or update of an unpublished story shows nowhere either, but
    telling them apart is not worth a query)."""
    return StoryStatus.PUBLISHED in _values(obj, "status")


def _facets_move(obj: Story, new: bool, deleted: bool) -> bool:
    """Whether the change may add a language or country to the filter menus (those of the
    public stories) or take one away. Leaving the site, a new language or country of a public
    story, or a change of consent to translations (the original's translations leave or come
    back) always may (all rare); arriving may, unless another public story already has the
    same language and country (a publish, the common case, seldom changes the menus)."""
    attrs = sa.inspect(obj).attrs
    if deleted or StoryStatus.PUBLISHED in (attrs.status.history.deleted or ()):
        return True
    # A new story's attributes all read as changed: it arrives (below), nothing moved.
    if not new and attrs.allow_translation.history.has_changes():
        return True
    if not new and (attrs.language.history.has_changes() or attrs.country.history.has_changes()):
        return True
    if not (new or attrs.status.history.has_changes()):
        return False  # an edit of a public story: still there, in the same language
    if obj.translation_of_id is None and obj.update_of_id is None and obj.translations:
        return True  # back on the site with its translations, in their own languages
    return not (
        _shown_elsewhere(obj, Story.language, obj.language)
        and _shown_elsewhere(obj, Story.country, obj.country)
    )


def _shown_elsewhere(obj: Story, column: Any, value: str) -> bool:
    """Another public story has this language (or country): the menus list it already, and
    still will. Read before the flush, by key of the indexed column (one probe)."""
    from storyhub.extensions import db
    from storyhub.services.catalog import is_public

    query = sa.select(Story.id).where(column == value, is_public(), Story.update_of_id.is_(None))
    if obj.id is not None:
        query = query.where(Story.id != obj.id)
    return db.session.scalar(query.limit(1)) is not None


def story_change_tags(obj: Story, new: bool, deleted: bool) -> set[str]:
    """Tags of every page that shows this story before or after the change: its family's
    page, its (and its original's) language, country, topics and diagnoses with their
    ancestors, the languages of its translations, and the coarse tags."""
    tags = {STORIES}
    if obj.id is not None:
        tags.add(story(obj.id))
    if _facets_move(obj, new, deleted):
        tags.add(FACETS)
    tags |= _dimension_tags(obj)
    tags |= _neighbour_tags(obj)
    original = obj.translation_of or obj.update_of
    if original is not None:
        tags.add(story(original.id))
        tags |= _dimension_tags(original)
    else:
        # An original's translations appear on the listings of their own languages: they
        # come and go with it (withdrawal, consent to translations).
        for translation in obj.translations:
            tags.add(language(translation.language))
            tags.add(story(translation.id))
    return tags
