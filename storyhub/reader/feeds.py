"""For feed readers and search engines: Atom feeds, the sitemap and robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Response, abort, render_template
from flask_babel import gettext as _
from lxml import etree
from markupsafe import escape

from storyhub.i18n import current_locale
from storyhub.proxy import external_url
from storyhub.reader import bp
from storyhub.services import catalog
from storyhub.templating import canonical_url

FEED_ENTRIES = 50
ATOM = "application/atom+xml; charset=utf-8"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# An empty feed still needs an <updated>; a fixed one keeps its ETag stable.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _atom(title: str, self_endpoint: str, page_url: str, stories: list[Any], **kw: Any) -> Any:
    self_url = external_url(self_endpoint, lang=None, **kw)
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.author({"name": "storyhub"})
    feed.generator("storyhub")
    feed.updated(max((s.updated_at for s in stories), default=EPOCH))
    for story in stories:
        entry = feed.add_entry(order="append")
        url = canonical_url(story)
        entry.id(url)
        entry.title(story.title)
        entry.link(href=url, rel="alternate")
        entry.author({"name": story.author_name})
        if story.translation_of_id and story.translator_name:
            entry.contributor({"name": story.translator_name})
        entry.published(story.published_at)
        entry.updated(story.updated_at)
        note = story.content_note
        if note:  # the note comes first, as on the story page
            label = _("Content note:")
            entry.summary(f"{label} {note} — {story.excerpt}")
            body = f"<p><strong>{escape(label)}</strong> {escape(note)}</p>{story.body_html}"
            entry.content(body, type="html")
        else:
            entry.summary(story.excerpt)
            entry.content(story.body_html, type="html")  # sanitised when stored
    return Response(_finish(feed.atom_str(), stories), content_type=ATOM)


def _finish(atom: bytes, stories: list[Any]) -> bytes:
    """Give each entry its language and a complete alternate link.

    feedgen 1.0.0 writes entry links with the href only (it drops rel, type and hreflang), so
    they are completed here; `xml:lang` tells feed readers which language each entry is in.
    """
    root = etree.fromstring(atom)
    for entry, story in zip(root.iter(f"{ATOM_NS}entry"), stories, strict=True):
        entry.set(XML_LANG, story.language)
        for link in entry.iter(f"{ATOM_NS}link"):
            link.attrib.update(
                {"rel": "alternate", "type": "text/html", "hreflang": story.language}
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@bp.route("/feeds/stories.atom")
def stories_feed() -> Any:
    return _atom(
        _("storyhub: new stories"),
        ".stories_feed",
        external_url(".stories", lang=None),
        catalog.feed_stories(catalog.StoryFilters(), FEED_ENTRIES),
    )


@bp.route("/feeds/diagnoses/<slug>.atom")
def diagnosis_feed(slug: str) -> Any:
    diagnosis = catalog.diagnosis_by_slug(slug) or abort(404)
    return _atom(
        _("storyhub: stories about %(name)s", name=diagnosis.name(current_locale())),
        ".diagnosis_feed",
        external_url(".diagnosis", slug=slug, lang=None),
        catalog.feed_stories(catalog.StoryFilters(diagnosis=slug), FEED_ENTRIES),
        slug=slug,
    )


@bp.route("/feeds/topics/<slug>.atom")
def topic_feed(slug: str) -> Any:
    topic = catalog.topic_by_slug(slug) or abort(404)
    return _atom(
        _("storyhub: %(topic)s", topic=topic.title(current_locale())),
        ".topic_feed",
        external_url(".topic", slug=slug, lang=None),
        catalog.feed_stories(catalog.StoryFilters(topic=slug), FEED_ENTRIES),
        slug=slug,
    )


@bp.route("/sitemap.xml")
def sitemap() -> Any:
    """A sitemap index: one sitemap of the other pages, one per block of story ids."""
    body = render_template("reader/sitemap_index.xml", blocks=range(catalog.sitemap_blocks()))
    return Response(body, mimetype="application/xml")


@bp.route("/sitemaps/pages.xml")
def sitemap_pages() -> Any:
    body = render_template("reader/sitemap.xml", sitemap=catalog.sitemap_pages(), pages=True)
    return Response(body, mimetype="application/xml")


@bp.route("/sitemaps/stories-<int:block>.xml")
def sitemap_stories(block: int) -> Any:
    if block >= catalog.sitemap_blocks():
        abort(404)
    # Ten thousand story URLs differ only in id and slug: the rest is built once, not per URL.
    sample = external_url(".story", story_id=1, slug="s", lang=None)
    assert sample.endswith("/1-s"), sample
    body = render_template(
        "reader/sitemap.xml", sitemap=catalog.sitemap_stories(block), story_base=sample[:-3]
    )
    return Response(body, mimetype="application/xml")


@bp.route("/robots.txt")
def robots() -> Any:
    lines = [
        "User-agent: *",
        # Private or personal pages, forms and result pages that are not content.
        "Disallow: /my/",
        "Disallow: /moderate/",
        "Disallow: /login",
        "Disallow: /search",
        "Disallow: /stories/*/translate",
        "",
        f"Sitemap: {external_url('.sitemap', lang=None)}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")
