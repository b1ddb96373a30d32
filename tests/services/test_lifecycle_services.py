"""The lifecycle through the services, against a real database: `decide` checks who acts,
and a refused change leaves nothing behind (the unit of work rolls back, not the view)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus, User, UserRole
from storyhub.services import accounts, lifecycle, moderation, story_edits
from storyhub.services.errors import DiagnosisRequired


def _pending() -> Story:
    story = db.session.scalar(
        sa.select(Story).filter_by(status=StoryStatus.PENDING).order_by(Story.id).limit(1)
    )
    assert story is not None
    return story


def test_a_volunteer_cannot_decide(app: Flask, demo: None) -> None:
    with app.app_context():
        volunteer = accounts.create_user(
            "volunteer@example.org", "a long test password", UserRole.VOLUNTEER
        )
        story = _pending()
        version = story.version
        with pytest.raises(lifecycle.ActorNotAllowed) as refused:
            moderation.decide(story, "approve", volunteer, version)
        assert refused.value.status == 403
        with pytest.raises(lifecycle.ActorNotAllowed):
            moderation.erase(story, volunteer, version, "no")
        db.session.expire_all()
        assert story.status is StoryStatus.PENDING and story.version == version


def test_a_refused_decision_leaves_no_edit_behind(app: Flask, demo: None, moderator) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        actor = db.session.get(User, moderator.id)
        story = _pending()
        title, version = story.title, story.version
        edits = story_edits.StoryEdits(title="A title nobody saved", diagnoses=[])
        with pytest.raises(DiagnosisRequired):
            moderation.decide(story, "approve", actor, version, edits=edits)
        # Rolled back by the service: nothing pending in the session, nothing in the database.
        assert not db.session.dirty and not db.session.new
        assert story.title == title and story.version == version
        assert story.status is StoryStatus.PENDING
