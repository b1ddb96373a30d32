"""Erasure wipes words and personal data of a story and all that hangs off it."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryStatus, Submitter
from storyhub.services.erasure import erase_story


def test_erasure_wipes_story_translations_and_events(app, client, demo):
    with app.app_context():
        original = db.session.scalar(sa.select(Story).filter_by(title="I sassolini sotto la pelle"))
        translation_id = original.translations[0].id
        submitter_id = original.submitter_id
        erase_story(original, actor_id=None, reason="author asked")
        for story_id in (original.id, translation_id):
            story = db.session.get(Story, story_id)
            assert story.status is StoryStatus.ERASED
            assert story.title == story.body_text == story.body_html == story.author_name == ""
            assert story.diagnoses == [] and story.topics == []
        assert db.session.get(Submitter, submitter_id).email is None
        actions = db.session.scalars(
            sa.select(ModerationEvent.action).filter_by(story_id=original.id)
        ).all()
        assert actions[-1] == "erase" and "approve" in actions
    assert "sassolini" not in client.get("/topics/calcinosis").get_data(as_text=True)
    assert client.get(f"/stories/{translation_id}").status_code == 404
