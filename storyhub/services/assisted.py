"""Assisted entry: a volunteer or moderator types in a story that came by letter, phone,
e-mail or in person, on its author's behalf.

The story waits in the queue like any other, marked "entered by …", but it cannot be published
until its author has agreed: with an e-mail address the author gets a private link to read the
text and confirm it, in their own words; without one the volunteer records how the author
consented (read back on the phone, a signed letter …), and that note is the consent record.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from storyhub.extensions import db
from storyhub.models import ConsentPurpose, Relation, Story, User
from storyhub.models._types import utcnow
from storyhub.services import consents, lifecycle, notify
from storyhub.services.errors import ServiceError
from storyhub.services.submissions import diagnoses_by_slug, new_submitter, set_text, story_with_key
from storyhub.services.unit_of_work import unit_of_work
from storyhub.text import distress

# How a story reached the person who entered it (stored in stories.arrived_by).
ARRIVALS = ("letter", "phone", "email", "in_person")
CONSENT_NOTE_MAX = 500


class ConsentNoteRequired(ServiceError):
    """No e-mail address to ask the author, and no note of how they consented."""

    code = "consent_note_required"


@dataclass(frozen=True)
class AssistedEntry:
    author_name: str
    relation: Relation
    country: str
    language: str
    title: str
    body: str
    arrived_by: str
    email: str = ""
    consent_note: str = ""
    diagnoses: list[str] = field(default_factory=list)
    idempotency_key: str = ""


def enter_story(entry: AssistedEntry, entered_by: User) -> Story:
    """Store the story as pending, entered by `entered_by`; ask the author to confirm by e-mail,
    or record the consent the volunteer noted."""
    existing = story_with_key(entry.idempotency_key)
    if existing is not None:
        return existing
    if entry.arrived_by not in ARRIVALS:
        raise ServiceError(code="arrival_unknown", field="arrived_by")
    note = entry.consent_note.strip()
    if not entry.email and not note:
        raise ConsentNoteRequired(field="consent_note")
    token = secrets.token_urlsafe(32)
    story = Story(
        status=lifecycle.arrival("assisted_submit"),
        author_name=entry.author_name,
        relation=entry.relation,
        country=entry.country,
        language=entry.language,
        idempotency_key=entry.idempotency_key or None,
        submitter=new_submitter(token, entry.email, consent=False),
        diagnoses=diagnoses_by_slug(entry.diagnoses),
        allow_translation=False,  # the author chooses these on their private page
        allow_syndication=False,
        arrived_by=entry.arrived_by,
        entered_by_id=entered_by.id,
        consent_note="" if entry.email else note[:CONSENT_NOTE_MAX],
        priority=distress.suggests_distress(entry.title, entry.body),
    )
    set_text(story, entry.title, entry.body)
    db.session.add(story)
    db.session.flush()
    who = lifecycle.staff(entered_by)
    lifecycle.record(story, "assisted_submit", who, None, f"arrived by {entry.arrived_by}")
    if entry.email:
        notify.assisted_entry(story, token)
    else:
        _confirmed(story, who, "recorded by the person who entered it")
    db.session.commit()
    return story


def _confirmed(story: Story, actor: lifecycle.Actor, how: str, locale: str = "en") -> None:
    """The author's consent to publish, confirmed by them (or noted by whoever entered the
    story, as part of entering it)."""
    story.author_confirmed_at = utcnow()
    story.agreed_title, story.agreed_author_name = story.title, story.author_name
    if story.submitter is not None:
        story.submitter.consent_publish_at = story.author_confirmed_at
    consents.record(story, ConsentPurpose.PUBLISH, consents.ASSISTED_WORDING, locale)
    lifecycle.apply(story, "author_confirm", actor, reason=how)


def confirm_by_author(story: Story, locale: str) -> Story:
    """The author read the text entered for them and agrees it may be published."""
    actor = lifecycle.submitter_of(story)
    lifecycle.check(story, "author_confirm", actor, refusal="nothing_to_confirm")
    with unit_of_work():
        _confirmed(story, actor, "confirmed by the author", locale)
    return story
