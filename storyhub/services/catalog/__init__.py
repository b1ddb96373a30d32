"""Read queries for public pages, feeds, the sitemap and the API. Every one filters through
`is_public`: readers never see a story that is not published, or a translation or update whose
original is not. Nothing here touches submitters.

    visibility  is_public / is_syndicated, slugs
    snapshot    the taxonomy as plain data, once per publish generation (the diagnosis tree)
    teasers     one line per story on listings, from plain rows
    counts      counts over published content, once per publish generation
    listings    filters, keyset cursors, pages of stories and their counts
    pages       headings, the diagnosis tree with counts, filter choices, the home page
    neighbours  the stories a story's related stories are chosen from (bounded, stable)
    story       one story's page, related stories, stories like it
    feeds       feeds and the sitemap
"""

from storyhub.services.catalog.counts import (
    IdentificationCounts,
    diagnosis_story_counts,
    identification_counts,
    public_countries,
    public_languages,
    topic_story_counts,
)
from storyhub.services.catalog.cursors import FIRST_WINDOW, SCAN_WINDOW
from storyhub.services.catalog.feeds import (
    SITEMAP_BLOCK,
    Sitemap,
    SitemapStory,
    feed_stories,
    sitemap_blocks,
    sitemap_pages,
    sitemap_stories,
)
from storyhub.services.catalog.listings import (
    COUNT_CAP,
    COUNT_WINDOW,
    Cursor,
    Listing,
    ListingCount,
    StoryFilters,
    cursor_after_pages,
    filed_under,
    filtered,
    list_stories,
    list_teasers,
    listing_count,
)
from storyhub.services.catalog.neighbours import NEIGHBOURS
from storyhub.services.catalog.pages import (
    DiagnosisHeading,
    FilterChoices,
    FilterLabels,
    HomePage,
    TopicEntry,
    TopicHeading,
    diagnosis_choices,
    diagnosis_heading,
    diagnosis_topics,
    diagnosis_tree,
    filter_choices,
    filter_labels,
    home_page,
    topic_entries,
    topic_heading,
)
from storyhub.services.catalog.snapshot import (
    DiagnosisNode,
    Taxonomy,
    diagnosis_by_slug,
    public_diagnoses,
    public_topics,
    taxonomy,
    topic_by_slug,
)
from storyhub.services.catalog.story import (
    PublicStory,
    StoriesLike,
    StoryPage,
    find_public_story,
    public_story,
    related_teasers,
    stories_like,
    story_page,
)
from storyhub.services.catalog.teasers import (
    Teaser,
    TeaserSource,
    public_rows_by_id,
    public_translations,
    recent_teasers,
    teasers,
)
from storyhub.services.catalog.visibility import (
    is_original,
    is_public,
    is_slug,
    is_syndicated,
    story_slug,
    title_slug,
)

# The name subscriptions.py has used since before the package.

__all__ = [
    "COUNT_CAP",
    "COUNT_WINDOW",
    "FIRST_WINDOW",
    "NEIGHBOURS",
    "SCAN_WINDOW",
    "SITEMAP_BLOCK",
    "Cursor",
    "DiagnosisHeading",
    "DiagnosisNode",
    "FilterChoices",
    "FilterLabels",
    "HomePage",
    "IdentificationCounts",
    "Listing",
    "ListingCount",
    "PublicStory",
    "Sitemap",
    "SitemapStory",
    "StoriesLike",
    "StoryFilters",
    "StoryPage",
    "Taxonomy",
    "Teaser",
    "TeaserSource",
    "TopicEntry",
    "TopicHeading",
    "cursor_after_pages",
    "diagnosis_by_slug",
    "diagnosis_choices",
    "diagnosis_heading",
    "diagnosis_story_counts",
    "diagnosis_topics",
    "diagnosis_tree",
    "feed_stories",
    "filed_under",
    "filter_choices",
    "filter_labels",
    "filtered",
    "find_public_story",
    "home_page",
    "identification_counts",
    "is_original",
    "is_public",
    "is_slug",
    "is_syndicated",
    "list_stories",
    "list_teasers",
    "listing_count",
    "public_countries",
    "public_diagnoses",
    "public_languages",
    "public_rows_by_id",
    "public_story",
    "public_topics",
    "public_translations",
    "recent_teasers",
    "related_teasers",
    "sitemap_blocks",
    "sitemap_pages",
    "sitemap_stories",
    "stories_like",
    "story_page",
    "story_slug",
    "taxonomy",
    "teasers",
    "title_slug",
    "topic_by_slug",
    "topic_entries",
    "topic_heading",
    "topic_story_counts",
]
