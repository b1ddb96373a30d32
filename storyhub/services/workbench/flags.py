"""Flags on a story for the moderation queue and review page: things worth a second look.

`story_flags` is the one place flags come from. Each check is a small function of the story;
another check (a language mismatch, say) is one more entry in `CHECKS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from storyhub.i18n import country_name, language_name
from storyhub.models import Story, StoryStatus
from storyhub.sanitize import html_to_text
from storyhub.services import identifier_check, reidentification, translations

VERY_SHORT = 400  # characters: two or three sentences
VERY_LONG = 15_000  # characters: about 2,500 words

_LINK = re.compile(r"https?://|\bwww\.|<a\s", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Nine digits or more, spaces, dots, dashes or brackets between them: phone numbers, not years
# or dates ("1998-2005" has eight).
_PHONE = re.compile(r"(?<![\w.])(?:\+|00)?\d(?:[\s().-]{0,2}\d){8,}(?![\w])")


@dataclass(frozen=True)
class Flag:
    code: str
    label: str


def _text(story: Story) -> str:
    return f"{story.title}\n{html_to_text(story.body_html)}"


def contains_links(story: Story) -> Flag | None:
    if _LINK.search(story.title) or _LINK.search(story.body_html):
        return Flag("links", "contains links")
    return None


def contact_details(story: Story) -> Flag | None:
    text = _text(story)
    if _EMAIL.search(text) or _PHONE.search(text):
        return Flag("contact", "possible contact details")
    return None


def length(story: Story) -> Flag | None:
    size = len(html_to_text(story.body_html))
    if size < VERY_SHORT:
        return Flag("short", "very short")
    if size > VERY_LONG:
        return Flag("long", "very long")
    return None


def language_mismatch(story: Story) -> Flag | None:
    """The detector read another language than the one chosen (the submitter confirmed it)."""
    if not story.detected_language:
        return None
    chosen = language_name(story.language, "en")
    detected = language_name(story.detected_language, "en")
    return Flag(
        "language", f"Language? Chosen {chosen}, reads like {detected} (submitter confirmed)"
    )


def translation_outdated(story: Story) -> Flag | None:
    if not translations.may_be_out_of_date(story):
        return None
    return Flag(
        "outdated",
        "May be out of date: the original changed after this translation was made or approved",
    )


def distress(story: Story) -> Flag | None:
    """Marked when submitted (text/distress.py): it also sorts first in the queue."""
    if not story.priority:
        return None
    return Flag(
        "distress",
        "Read first: words of distress or self-harm (the author was shown where to find help)",
    )


def author_replied(story: Story) -> Flag | None:
    if not story.author_reply or story.status is not StoryStatus.PENDING:
        return None
    return Flag("reply", "Author replied to your edits")


def identifiable(story: Story) -> Flag | None:
    """A rare diagnosis from a country with few published stories, and (with the identifier
    check on) something in the text or name that narrows it to a person."""
    risk = reidentification.flagged_risk(story)
    if risk is None:
        return None
    rare = ", ".join(f"{d.name('en')} ({count} published)" for d, count in risk.diagnoses)
    where = country_name(risk.country, "en")
    return Flag(
        "identifiable",
        f"Could identify its author: {rare} from {where} ({risk.country_stories} published). "
        "Consider initials and a less precise place.",
    )


def identifiers(story: Story) -> Flag | None:
    """Identifying details in the text, counted per kind (the review page highlights them)."""
    if story.status is StoryStatus.ERASED or not identifier_check.enabled():
        return None
    details = reidentification.story_details(story)
    counts = details.counts()
    if not counts and not details.name_concerns:
        return None
    parts = [details.count_text()] if counts else []
    if details.name_concerns:
        parts.append("the author name")
    return Flag("identifiers", "Identifying details: " + ", ".join(parts))


CHECKS: list[Callable[[Story], Flag | None]] = [
    distress,
    author_replied,
    identifiable,
    identifiers,
    language_mismatch,
    translation_outdated,
    contains_links,
    contact_details,
    length,
]


def story_flags(story: Story) -> list[Flag]:
    """Return the flags raised by `story`'s current text, in a stable order."""
    return [flag for check in CHECKS if (flag := check(story)) is not None]
