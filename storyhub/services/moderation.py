"""Moderators' decisions: the story state machine, each step recorded as a ModerationEvent."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from storyhub.extensions import db
from storyhub.models import Diagnosis, ModerationEvent, Story, StoryStatus, Topic, User
from storyhub.models._types import utcnow
from storyhub.sanitize import html_to_text, make_excerpt, moderator_html
from storyhub.services import notify, translations
from storyhub.services.errors import (
    DiagnosisRequired,
    ReasonRequired,
    StaleStoryError,
    TransitionNotAllowed,
)

S = StoryStatus


@dataclass(frozen=True)
class Transition:
    sources: frozenset[StoryStatus]
    target: StoryStatus
    needs_reason: bool


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(frozenset({S.PENDING}), S.PUBLISHED, needs_reason=False),
    "reject": Transition(frozenset({S.PENDING}), S.REJECTED, needs_reason=True),
    "request_changes": Transition(frozenset({S.PENDING}), S.CHANGES_REQUESTED, needs_reason=True),
    "unpublish": Transition(frozenset({S.PUBLISHED}), S.UNPUBLISHED, needs_reason=True),
    "republish": Transition(frozenset({S.UNPUBLISHED}), S.PUBLISHED, needs_reason=False),
}

REASON_PROMPTS = {
    "reject": "Please say why the story is rejected: the author will read it.",
    "request_changes": "Please tell the author what to change.",
    "unpublish": "Please give the reason for unpublishing.",
}


@dataclass(frozen=True)
class StoryEdits:
    """What a moderator may change before publishing; None leaves a field as it is."""

    title: str | None = None
    body_html: str | None = None
    excerpt: str | None = None
    diagnoses: list[str] | None = None
    topics: list[str] | None = None


def actions_for(story: Story) -> list[str]:
    """Return the decisions allowed from the story's current state."""
    return [name for name, t in TRANSITIONS.items() if story.status in t.sources]


def _apply_edits(story: Story, edits: StoryEdits) -> None:
    if edits.title is not None and edits.title != story.title:
        story.title = edits.title
    if edits.body_html is not None and edits.body_html != story.body_html:
        story.body_html = moderator_html(edits.body_html)
        if edits.excerpt is None:
            story.excerpt = make_excerpt(html_to_text(story.body_html))
    if edits.excerpt is not None:
        story.excerpt = edits.excerpt or make_excerpt(html_to_text(story.body_html))
    if edits.diagnoses is not None:
        story.diagnoses = list(
            db.session.scalars(sa.select(Diagnosis).where(Diagnosis.slug.in_(edits.diagnoses)))
        )
    if edits.topics is not None:
        story.topics = list(
            db.session.scalars(sa.select(Topic).where(Topic.slug.in_(edits.topics)))
        )


def decide(
    story: Story,
    action: str,
    actor: User,
    expected_version: int,
    reason: str = "",
    edits: StoryEdits | None = None,
) -> ModerationEvent:
    """Apply a moderator's decision, with any edits, and record it; one transaction."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"Unknown action {action!r}.")
    if story.version != expected_version:
        raise StaleStoryError(story)
    if story.status not in transition.sources:
        raise TransitionNotAllowed(
            f"A story that is {story.status.value.replace('_', ' ')} cannot be "
            f"{action.replace('_', ' ')}d."
        )
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise ReasonRequired(REASON_PROMPTS[action])

    from_status = story.status
    if edits is not None:
        _apply_edits(story, edits)
    if transition.target is S.PUBLISHED and not story.diagnoses:
        # Readers find stories by diagnosis; the teaser line names it.
        raise DiagnosisRequired("Choose at least one diagnosis before publishing.")
    story.status = transition.target
    if transition.target is S.PUBLISHED and story.published_at is None:
        story.published_at = utcnow()
    if action == "approve":  # the moderator vouches for the translation as it stands now
        translations.record_source(story)
    if action in ("reject", "request_changes"):
        story.moderator_message = reason
    event = ModerationEvent(
        story_id=story.id,
        actor_id=actor.id,
        action=action,
        from_status=from_status.value,
        to_status=transition.target.value,
        reason=reason,
    )
    db.session.add(event)
    notify.decision_made(story, event)
    try:
        db.session.commit()
    except StaleDataError:
        # Another moderator committed between our read and our write.
        db.session.rollback()
        raise StaleStoryError(db.session.get(Story, story.id, populate_existing=True)) from None
    return event


def review_queue(limit: int = 200) -> list[Story]:
    """Return pending stories, oldest first, with what the queue shows loaded."""
    return list(
        db.session.scalars(
            sa.select(Story)
            .where(Story.status == S.PENDING)
            .options(so.selectinload(Story.diagnoses))
            .order_by(Story.submitted_at, Story.id)
            .limit(limit)
        )
    )


def story_history(story: Story) -> list[ModerationEvent]:
    return list(
        db.session.scalars(
            sa.select(ModerationEvent)
            .where(ModerationEvent.story_id == story.id)
            .order_by(ModerationEvent.created_at, ModerationEvent.id)
        )
    )
