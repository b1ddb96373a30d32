"""JSON shapes of the public API: an explicit allowlist of fields, so nothing private (the
submitter, the private original text, moderators' messages, tokens) can slip in by accident.
Documented in openapi.json next to this file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storyhub.models import Story, Topic
from storyhub.proxy import external_url
from storyhub.services import catalog
from storyhub.templating import canonical_url


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _api_url(story: Story) -> str:
    return external_url("api.story", story_id=story.id)


def _kind(story: Story) -> str:
    return story.kind  # "story", "translation" or "update"


def _version(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "language": story.language,
        "title": story.title,
        "url": canonical_url(story),
        "api_url": _api_url(story),
    }


def story_summary(story: Story) -> dict[str, Any]:
    source = story.translation_of or story.update_of or story
    # The original is public, so a published translation is too (if its author allows them).
    translations = catalog.public_translations(story)
    return {
        "id": story.id,
        "kind": _kind(story),
        "url": canonical_url(story),
        "api_url": _api_url(story),
        "title": story.title,
        # A translation's byline is its original's; the translator's credit is separate.
        "author_name": story.author_name,
        "translator_name": story.translator_name if story.translation_of_id else "",
        "relation": story.relation.value,
        "relation_detail": story.relation_detail,
        "country": story.country,
        "language": story.language,
        "diagnoses": [d.slug for d in source.diagnoses],
        "topics": [t.slug for t in source.topics],
        "excerpt": story.excerpt,
        # A moderator's note shown before the text ("describes a death"); "" when none.
        "content_note": story.content_note,
        "published_at": _time(story.published_at),
        "updated_at": _time(story.updated_at),
        "translation_of": story.translation_of_id,
        "update_of": story.update_of_id,
        "translations": [_version(t) for t in translations],
    }


def story_detail(page: catalog.StoryPage) -> dict[str, Any]:
    story = page.story
    data = story_summary(story)
    data["body_html"] = story.body_html  # sanitised when stored; never the private original
    data["languages"] = [_version(version) for version, _label in page.languages]
    data["updates"] = [
        {
            "id": update.id,
            "title": update.title,
            "language": update.language,
            "body_html": update.body_html,
            "published_at": _time(update.published_at),
            "url": canonical_url(update),
        }
        for update in page.updates
    ]
    return data


def diagnosis(known: catalog.Taxonomy, diagnosis_id: int, story_count: int) -> dict[str, Any]:
    """One diagnosis from the taxonomy snapshot (no query)."""
    slug = known.diagnosis_slugs[diagnosis_id]
    parent = known.diagnosis_parents.get(diagnosis_id)
    names = known.diagnosis_names.get(diagnosis_id, {})
    return {
        "slug": slug,
        "parent": known.diagnosis_slugs.get(parent) if parent is not None else None,
        "names": dict(sorted(names.items())),
        "story_count": story_count,
        "url": external_url("reader.diagnosis", slug=slug, lang=None),
        "feed_url": external_url("reader.diagnosis_feed", slug=slug, lang=None),
        "stories_api_url": external_url("api.stories", diagnosis=slug),
    }


def topic(entry: catalog.TopicEntry) -> dict[str, Any]:
    item: Topic = entry.topic
    texts = sorted(item.texts, key=lambda t: t.language)
    return {
        "slug": item.slug,
        "titles": {t.language: t.title for t in texts},
        "descriptions_html": {t.language: t.description_html for t in texts},
        "story_count": entry.count,
        "url": external_url("reader.topic", slug=item.slug, lang=None),
        "feed_url": external_url("reader.topic_feed", slug=item.slug, lang=None),
        "stories_api_url": external_url("api.stories", topic=item.slug),
    }
