"""`flask demo generate` fills the database with published, linked, readable stories."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, story_diagnoses
from storyhub.sanitize import plain_text_to_html


def test_generate_adds_published_linked_stories(app, runner, client):
    result = runner.invoke(args=["demo", "generate", "--stories", "300"])
    assert result.exit_code == 0, result.output
    assert "Generated 300 stories" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Story.id))) >= 300
        unlinked = db.session.scalar(
            sa.select(sa.func.count(Story.id)).where(
                ~Story.id.in_(sa.select(story_diagnoses.c.story_id))
            )
        )
        assert unlinked == 0
        story = db.session.scalar(sa.select(Story).where(Story.title.like("%(7)")))
        assert story.body_html == plain_text_to_html(story.body_text)  # same as the real policy
    assert "(Italy)" in client.get("/stories/?country=IT").get_data(as_text=True)
    # "seriously" is in synthetic texts only: they are in the search index too.
    assert "<mark>seriously</mark>" in client.get("/search?q=seriously").get_data(as_text=True)
