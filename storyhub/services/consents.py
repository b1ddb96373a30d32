"""Consent per use, tied to the text version and the wording shown: the records behind the
switches Story.allow_translation and Story.allow_syndication (services/submissions.py changes
them; catalog reads them).

A record says: for this story, this use (publish, translate, syndicate) was agreed for the
text whose fingerprint is `text_version`, in the wording `wording_version` (an id of the
English text below; the form showed it in `locale`), at `given_at`; and when it was withdrawn.
"""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Consent, ConsentPurpose, Story
from storyhub.models._types import utcnow
from storyhub.services import translations

P = ConsentPurpose

# Each wording id names one English text exactly as the form shows it (translated into the
# interface language). Change a text → give it a new id: tests/test_consent.py checks the
# forms against this table.
WORDINGS: dict[str, str] = {
    "publish-2026-11": (
        "I agree that this story, with the name above, may be published on this site."
    ),
    "translation-publish-2026-11": (
        "I agree that this translation may be published with the story, and I may share it "
        "(it is my own translation, or the author's)."
    ),
    "translate-2026-12": (
        "Volunteers may translate my story into other languages; translations are published "
        "next to it after a moderator has read them."
    ),
    "syndicate-2026-12": (
        "My story may be included in the site's news feeds and its public data interface "
        "(API), which other websites and apps can read."
    ),
    "edit-2026-12": (
        "Your choices about the site, translations and feeds stay as they are and apply to "
        "the changed text. You can change them on your private page at any time."
    ),
    "accept-2026-12": (
        "Publishing this version applies your choices about the site, translations and feeds to it."
    ),
    "manage-2026-12": "Allow it again, for the text as it is now.",
    # Assisted entry (services/assisted.py): the author confirms what was typed in for them.
    "assisted-2026-12": (
        "I have read this text, which was entered for me, and I agree that it may be published "
        "on this site with the name above."
    ),
}
PUBLISH_WORDING = "publish-2026-11"
TRANSLATION_PUBLISH_WORDING = "translation-publish-2026-11"
TRANSLATE_WORDING = "translate-2026-12"
SYNDICATE_WORDING = "syndicate-2026-12"
EDIT_WORDING = "edit-2026-12"
ACCEPT_WORDING = "accept-2026-12"
MANAGE_WORDING = "manage-2026-12"
ASSISTED_WORDING = "assisted-2026-12"

SWITCHES = {P.TRANSLATE: "allow_translation", P.SYNDICATE: "allow_syndication"}


def text_version(story: Story) -> str:
    """A fingerprint of the title and text readers see (the same one translations keep)."""
    return translations.fingerprint(story)


def history(story: Story) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent).where(Consent.story_id == story.id).order_by(Consent.id)
        )
    )


def latest(story: Story) -> dict[ConsentPurpose, Consent]:
    """The latest record per use (in force unless it has `withdrawn_at`)."""
    found: dict[ConsentPurpose, Consent] = {}
    for consent in history(story):
        found[consent.purpose] = consent
    return found


def record(story: Story, purpose: ConsentPurpose, wording: str, locale: str) -> Consent:
    """Note a consent given now for the story's current text (the story must have its id)."""
    assert wording in WORDINGS, wording
    consent = Consent(
        story_id=story.id,
        purpose=purpose,
        text_version=text_version(story),
        wording_version=wording,
        locale=locale,
        given_at=utcnow(),
    )
    db.session.add(consent)
    return consent


def withdraw(story: Story, purpose: ConsentPurpose) -> None:
    """Note that the consent in force for `purpose` is withdrawn from now on."""
    current = latest(story).get(purpose)
    if current is not None and current.withdrawn_at is None:
        current.withdrawn_at = utcnow()


def retie(story: Story, wording: str, locale: str) -> None:
    """The author changed or accepted the text: tie each consent in force to the new text."""
    for purpose, consent in latest(story).items():
        if consent.withdrawn_at is None and consent.text_version != text_version(story):
            record(story, purpose, wording, locale)
