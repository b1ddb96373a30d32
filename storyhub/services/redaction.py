"""A moderator's one-click redaction: an identifying passage replaced by a neutral phrase (which
the moderator may edit first). It is an ordinary moderator edit (services/moderation.py): a
revision is kept, and the usual rule decides whether the author approves it first — replacing
someone's words with other words is not a typo fix, so in practice they do (see README)."""

from __future__ import annotations

import html

from storyhub.models import Story, User
from storyhub.sanitize import html_to_text, plain_text_to_html
from storyhub.services import moderation, story_edits
from storyhub.services.errors import ServiceError, StaleStoryError

FIELDS = ("title", "body")


class PassageMoved(ServiceError):
    """The text changed since the page was loaded: the passage is not where it was."""

    code = "passage_moved"


def _redacted_html(body_html: str, text: str, start: int, passage: str, replacement: str) -> str:
    """Replace the passage in the HTML itself, keeping the moderator's formatting, when the
    passage maps one to one onto the markup; otherwise rebuild it from the text."""
    escaped = html.escape(passage, quote=False)
    if body_html.count(escaped) == text.count(passage):
        nth = text.count(passage, 0, start)
        position = -1
        for _occurrence in range(nth + 1):
            position = body_html.find(escaped, position + 1)
        return (
            body_html[:position]
            + html.escape(replacement, quote=False)
            + body_html[position + len(escaped) :]
        )
    new_text = text[:start] + replacement + text[start + len(passage) :]
    return plain_text_to_html(new_text)


def redact(
    story: Story,
    actor: User,
    expected_version: int,
    field: str,
    start: int,
    passage: str,
    replacement: str,
) -> list[str]:
    """Replace `passage`, found at `start` of the title or the text, by `replacement`."""
    if field not in FIELDS:
        raise ServiceError(code="unknown_field", field="field")
    if story.version != expected_version:  # first: a changed text moves every passage
        raise StaleStoryError(story)
    text = story.title if field == "title" else html_to_text(story.body_html)
    if not passage or start < 0 or text[start : start + len(passage)] != passage:
        raise PassageMoved()
    if field == "title":
        edits = story_edits.StoryEdits(
            title=text[:start] + replacement + text[start + len(passage) :]
        )
    else:
        body_html = _redacted_html(story.body_html, text, start, passage, replacement)
        edits = story_edits.StoryEdits(body_html=body_html)
    return moderation.save_edits(story, actor, expected_version, edits)
