"""A moderator's edits before publishing: the text as they edit it, the fields they may change,
the author's choices they may correct, and a revision of each change (StoryRevision)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import bleach
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import SENT_BACK, Diagnosis, Relation, Story, StoryRevision, Topic, User
from storyhub.models._types import utcnow
from storyhub.sanitize import (
    clean_text,
    html_to_text,
    make_excerpt,
    moderator_html,
    plain_text_to_html,
)
from storyhub.services import translations

FIELD_LABELS = {
    "title": "title",
    "body": "text",
    "excerpt": "teaser",
    "author_name": "author name",
    "diagnoses": "diagnoses",
    "topics": "topics",
    "content_note": "content note",
    "language": "language",
    "country": "country",
    "relation": "relation",
}
# What the author chose and a moderator may correct: minor by the edit rules (the author's
# words do not change, so no new consent is asked), each correction a revision with its reason,
# which the author reads on their private page.
CORRECTIONS = ("language", "country", "relation", "diagnoses")

_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|li|h3|h4|blockquote|ul|ol)>\s*", re.IGNORECASE)


def _link_as_text(match: re.Match[str]) -> str:
    url, label = html.unescape(match.group(1)), match.group(2)
    shown = html.unescape(re.sub(r"<[^>]+>", "", label)).strip()
    return label if shown in (url, url.split("://", 1)[-1]) else f"{label} ({html.escape(url)})"


def editable_text(body_html: str) -> str:
    """The text of stored HTML as moderators edit it, the way authors write it: paragraphs
    separated by blank lines, line breaks kept, links as plain URLs. Never HTML."""
    text = _LINK.sub(_link_as_text, body_html)
    text = re.sub(r"<br\s*/?>\n?", "\n", text, flags=re.IGNORECASE)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(bleach.clean(text, tags=set(), strip=True))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def same_text(first: str, second: str) -> bool:
    """Equal as plain text, whatever the line endings and trailing spaces."""

    def normal(text: str) -> str:
        return "\n".join(line.rstrip() for line in clean_text(text).strip().splitlines())

    return normal(first) == normal(second)


@dataclass(frozen=True)
class StoryEdits:
    """What a moderator may change; None leaves a field as it is."""

    title: str | None = None
    # The text as moderators edit it (plain, see editable_text); the HTML is derived from it
    # by the one sanitising policy. `body_html` is for callers holding HTML already stored.
    body: str | None = None
    body_html: str | None = None
    excerpt: str | None = None
    author_name: str | None = None
    diagnoses: list[str] | None = None
    topics: list[str] | None = None
    content_note: str | None = None
    # Corrections of the author's choices (None: as it is), and why they were made.
    language: str | None = None
    country: str | None = None
    relation: str | None = None
    correction_reason: str = ""


def snapshot(story: Story) -> dict[str, str]:
    """The editable fields as a revision stores them."""
    return {
        "title": story.title,
        "body_html": story.body_html,
        "excerpt": story.excerpt,
        "author_name": story.author_name,
        "content_note": story.content_note,
        "diagnoses": " ".join(sorted(d.slug for d in story.diagnoses)),
        "topics": " ".join(sorted(t.slug for t in story.topics)),
        "language": story.language,
        "country": story.country,
        "relation": story.relation.value,
    }


def apply_corrections(story: Story, edits: StoryEdits) -> None:
    """Language on any story; country and relation belong to the original, and its
    translations and updates share them."""
    if edits.language is not None and edits.language != story.language:
        story.language = edits.language
        story.detected_language = None  # a moderator settled the question
    if story.translation_of_id is not None or story.update_of_id is not None:
        return
    if edits.country is not None:
        story.country = edits.country
    if edits.relation is not None:
        story.relation = Relation(edits.relation)
    for follower in (*story.translations, *story.updates):
        follower.country, follower.relation = story.country, story.relation


def apply_edits(story: Story, edits: StoryEdits, actor: User) -> list[str]:
    """Apply the edits and keep a revision; return the names of the fields that changed."""
    # No flush until the caller commits: the story is then written by exactly one UPDATE, so
    # its version moves by one per save or decision.
    with db.session.no_autoflush:
        before = snapshot(story)
        if edits.title is not None:
            story.title = edits.title
        # A translation's byline is its original's, so a name is changed on the original only.
        if edits.author_name is not None and story.translation_of_id is None:
            story.author_name = edits.author_name
            translations.share_byline(story)
        if edits.content_note is not None:
            story.content_note = edits.content_note
        if edits.body is not None and not same_text(edits.body, editable_text(story.body_html)):
            # Only a changed text is converted: an untouched one keeps its stored HTML.
            story.body_html = plain_text_to_html(edits.body)
            if edits.excerpt is None:
                story.excerpt = make_excerpt(html_to_text(story.body_html))
        if edits.body_html is not None:
            body_html = moderator_html(edits.body_html)
            if body_html != story.body_html:
                story.body_html = body_html
                if edits.excerpt is None:
                    story.excerpt = make_excerpt(html_to_text(body_html))
        if edits.excerpt is not None:
            story.excerpt = edits.excerpt or make_excerpt(html_to_text(story.body_html))
        if edits.diagnoses is not None:
            story.diagnoses = by_slug(Diagnosis, edits.diagnoses)
        if edits.topics is not None:
            story.topics = by_slug(Topic, edits.topics)
        apply_corrections(story, edits)
        after = snapshot(story)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            # Changing only diagnoses or topics writes link rows, not the story's row; touch
            # the row so its version moves and a concurrent save is refused.
            story.updated_at = utcnow()
            corrected = any(name in CORRECTIONS for name in changed)
            reason = edits.correction_reason.strip() if corrected else ""
            record_revision(story, actor, before, after, changed, reason)
    return ["body" if name == "body_html" else name for name in changed]


def by_slug(model: type[Diagnosis] | type[Topic], slugs: list[str]) -> list:  # type: ignore[type-arg]
    return list(
        db.session.scalars(
            sa.select(model).where(model.slug.in_(slugs)).order_by(model.position, model.slug)
        )
    )


def record_revision(
    story: Story,
    actor: User,
    before: dict[str, str],
    after: dict[str, str],
    changed: list[str],
    reason: str = "",
) -> None:
    first = (
        db.session.scalar(
            sa.select(StoryRevision.id)
            .filter_by(story_id=story.id)
            .where(StoryRevision.changed != SENT_BACK)
            .limit(1)
        )
        is None
    )
    if first:
        # Keep the version moderators first saw, so the earliest state can be shown again.
        db.session.add(
            StoryRevision(story_id=story.id, actor_id=None, created_at=story.submitted_at, **before)
        )
    names = " ".join("body" if name == "body_html" else name for name in changed)
    db.session.add(
        StoryRevision(story_id=story.id, actor_id=actor.id, changed=names, reason=reason, **after)
    )


def record_sent_back(story: Story, actor: User) -> None:
    """Keep the version the author is sent back, so their new one can be compared with it."""
    db.session.add(
        StoryRevision(story_id=story.id, actor_id=actor.id, changed=SENT_BACK, **snapshot(story))
    )
