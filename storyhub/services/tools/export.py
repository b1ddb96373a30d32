"""JSON exports: the whole site for a backup, or one person's data for an access request."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, Submitter
from storyhub.services import subscriptions

EXPORT_FORMAT = "storyhub-export/1"


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def _story(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "status": story.status.value,
        "kind": story.kind,
        "translation_of": story.translation_of_id,
        "update_of": story.update_of_id,
        "title": story.title,
        "author_name": story.author_name,
        "relation": story.relation.value,
        "relation_detail": story.relation_detail,
        "country": story.country,
        "language": story.language,
        "diagnoses": [d.slug for d in story.diagnoses],
        "topics": [t.slug for t in story.topics],
        "body_submitted": story.body_text,
        "body_published_html": story.body_html,
        "excerpt": story.excerpt,
        "moderator_message": story.moderator_message,
        "submitted_at": _iso(story.submitted_at),
        "published_at": _iso(story.published_at),
        "updated_at": _iso(story.updated_at),
        "submitter": None
        if story.submitter is None
        else {
            "email": story.submitter.email,
            "consent_publish_at": _iso(story.submitter.consent_publish_at),
            "consent_text_version": story.submitter.consent_text_version,
        },
    }


def _event(event: ModerationEvent) -> dict[str, Any]:
    return {
        "story_id": event.story_id,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.reason,
        "by_moderator": event.actor_id is not None,
        "at": _iso(event.created_at),
    }


def export_stories(email: str | None = None) -> dict[str, Any]:
    """Return every story (or only those sent from `email`) with its decisions."""
    query = (
        sa.select(Story)
        .options(
            so.selectinload(Story.diagnoses),
            so.selectinload(Story.topics),
            so.joinedload(Story.submitter),
        )
        .order_by(Story.id)
    )
    if email is not None:
        query = query.join(Submitter, Story.submitter_id == Submitter.id).where(
            sa.func.lower(Submitter.email) == email.strip().lower()
        )
    stories = list(db.session.scalars(query).unique())
    ids = [s.id for s in stories]
    events = db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.story_id.in_(ids))
        .order_by(ModerationEvent.created_at, ModerationEvent.id)
    )
    exported: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "scope": "person" if email is not None else "all",
        "stories": [_story(s) for s in stories],
        "events": [_event(e) for e in events],
    }
    if email is not None:
        # What the person follows by e-mail is their data too.
        exported["subscriptions"] = subscriptions.export_for(email)
    return exported
