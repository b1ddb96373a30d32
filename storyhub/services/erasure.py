"""Erasure: wipe a story's words and personal data everywhere; keep only ids and actions."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import (
    Consent,
    LinkRequest,
    ModerationEvent,
    OutboxMessage,
    ReviewMarker,
    Story,
    StoryRevision,
)
from storyhub.models._types import utcnow
from storyhub.services import lifecycle
from storyhub.services.unit_of_work import unit_of_work


def _story_family(story: Story) -> list[Story]:
    """The story, its translations and updates, and their translations."""
    family, frontier = [story], [story]
    while frontier:
        ids = [s.id for s in frontier]
        frontier = list(
            db.session.scalars(
                sa.select(Story).where(
                    sa.or_(Story.translation_of_id.in_(ids), Story.update_of_id.in_(ids))
                )
            )
        )
        family.extend(frontier)
    return family


def _wipe(story: Story) -> None:
    story.title = story.body_text = story.body_html = story.excerpt = ""
    story.author_name = story.relation_detail = story.moderator_message = story.translator_name = ""
    story.agreed_title = story.agreed_author_name = story.author_reply = story.content_note = ""
    story.appeal_message = story.consent_note = ""
    story.country = story.language = ""
    story.idempotency_key = None
    story.diagnoses = []
    story.topics = []
    if story.submitter is not None:
        story.submitter.email = None


def erase_story(story: Story, actor_id: int | None, reason: str = "") -> list[ModerationEvent]:
    """Erase now, in a transaction of its own (for scripts and tests): by the moderator
    `actor_id`, or at the author's request when None."""
    if actor_id is None:
        actor, action = lifecycle.submitter_of(story), "request_erasure"
    else:
        actor, action = lifecycle.Actor(lifecycle.Role.MODERATOR, actor_id), "erase"
    with unit_of_work():
        return erase_family(story, actor, action, reason)


def erase_family(
    story: Story, actor: lifecycle.Actor, action: str, reason: str = ""
) -> list[ModerationEvent]:
    """Erase `story` and everything hanging off it; return the events. `action` is the
    lifecycle's ("erase" by a moderator, "request_erasure" by the author), checked by the
    caller, whose unit of work commits it all at once.

    Earlier events lose their free-text reasons (they may quote the story); their ids, actions
    and states stay, so the record of decisions survives.
    """
    family = _story_family(story)
    ids = [s.id for s in family]
    # Queued or sent e-mail holds the person's address (and a receipt their manage link).
    submitter_ids = [s.submitter_id for s in family if s.submitter_id is not None]
    db.session.execute(
        sa.delete(OutboxMessage).where(
            sa.or_(OutboxMessage.story_id.in_(ids), OutboxMessage.submitter_id.in_(submitter_ids))
        )
    )
    # "Your private links" (/my/) lists this story too; a request not yet answered would.
    addresses = {s.submitter.email.lower() for s in family if s.submitter and s.submitter.email}
    if addresses:
        db.session.execute(
            sa.delete(OutboxMessage).where(
                OutboxMessage.kind == "links",
                sa.func.lower(OutboxMessage.to_address).in_(addresses),
            )
        )
        db.session.execute(sa.delete(LinkRequest).where(LinkRequest.email.in_(addresses)))
    db.session.execute(
        sa.update(ModerationEvent).where(ModerationEvent.story_id.in_(ids)).values(reason="")
    )
    # Consents end with the story; their records (fingerprints, wording ids, times) stay.
    db.session.execute(
        sa.update(Consent)
        .where(Consent.story_id.in_(ids), Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow())
    )
    # Moderators' revisions hold the story's words too; review markers go with them.
    db.session.execute(sa.delete(StoryRevision).where(StoryRevision.story_id.in_(ids)))
    db.session.execute(sa.delete(ReviewMarker).where(ReviewMarker.story_id.in_(ids)))
    events = []
    for member in family:
        _wipe(member)
        # The family follows the story, whatever state each member was in.
        event = lifecycle.apply(member, action, actor, reason if member is story else "")
        assert event is not None
        events.append(event)
    return events
