"""Translations that may be out of date: each remembers a fingerprint of its original's text
as it was translated (and again when a moderator approves it)."""

from __future__ import annotations

import hashlib

from storyhub.models import Story


def fingerprint(story: Story) -> str:
    """A hash of what a translator translates: the title and the text readers see."""
    return hashlib.sha256(f"{story.title}\0{story.body_html}".encode()).hexdigest()


def record_source(translation: Story) -> None:
    """Remember the original's text as it is now (on submission, edit and approval)."""
    if translation.translation_of is not None:
        translation.source_fingerprint = fingerprint(translation.translation_of)


def may_be_out_of_date(story: Story) -> bool:
    """True for a translation whose original's title or text changed since it was recorded."""
    original = story.translation_of
    if original is None or story.source_fingerprint is None:
        return False
    return story.source_fingerprint != fingerprint(original)


def share_byline(original: Story) -> None:
    """Give every translation the original's byline: the author of a translated story is
    always the story's author (the translator has their own "Translated by" credit)."""
    for translation in original.translations:
        if translation.author_name != original.author_name:
            translation.author_name = original.author_name
            translation.agreed_author_name = original.author_name
