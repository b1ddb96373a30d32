"""Appeal: "Ask for another look" at a rejected story, once, with a message.

The story goes back to the queue; the moderator who rejected it cannot decide it again
(moderation.decide asks `may_decide`), so a different moderator takes the second look. Whatever
they decide is final: the private page and the e-mail say so, and no second appeal is offered.
"""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryStatus
from storyhub.models._types import utcnow
from storyhub.services import lifecycle
from storyhub.services.errors import ServiceError
from storyhub.services.unit_of_work import unit_of_work

APPEAL_MAX = 2000


def ask_for_another_look(story: Story, message: str) -> Story:
    """Put a rejected story back to the moderators with the author's message."""
    message = message.strip()
    actor = lifecycle.submitter_of(story)
    lifecycle.check(
        story,
        "appeal",
        actor,
        refusal="already_appealed" if story.appealed_at is not None else "not_appealable",
    )
    if not message:
        raise ServiceError(code="appeal_message_missing", field="message")
    if len(message) > APPEAL_MAX:
        raise ServiceError(code="message_too_long", field="message", max=APPEAL_MAX)
    with unit_of_work():
        story.appeal_message, story.appealed_at = message, utcnow()
        lifecycle.apply(story, "appeal", actor, reason=message)
    return story


def rejected_by(story: Story) -> int | None:
    """The moderator whose rejection was appealed."""
    return db.session.scalar(
        sa.select(ModerationEvent.actor_id)
        .where(ModerationEvent.story_id == story.id, ModerationEvent.action == "reject")
        .order_by(ModerationEvent.id.desc())
        .limit(1)
    )


def under_appeal(story: Story) -> bool:
    return story.appealed_at is not None and story.status is StoryStatus.PENDING


def may_decide(story: Story, actor_id: int) -> bool:
    """An appealed story is decided by someone other than the moderator who rejected it."""
    return not under_appeal(story) or rejected_by(story) != actor_id
