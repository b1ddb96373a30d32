"""The unit of work turns each way a database reports another writer into `Conflict`, on
whichever path it surfaces: a flush, a plain statement, a lock held by someone else; and a
request that meets one answers 409 with the typed text kept, never 500."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask

from storyhub.extensions import db
from storyhub.models import ReviewMarker, Story, StoryStatus
from storyhub.services.errors import Conflict
from tests.plugins.app import is_postgres
from tests.plugins.forms import manage_token
from tests.plugins.workbench import form_fields


def _story_and_user(app: Flask, moderator) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        story_id = db.session.scalar(sa.select(Story.id).order_by(Story.id))
    return story_id, moderator.id


def test_a_unique_race_on_flush_is_a_conflict(app, demo, moderator):
    story_id, user_id = _story_and_user(app, moderator)
    with app.app_context():
        db.session.add(ReviewMarker(story_id=story_id, user_id=user_id))
        db.session.commit()
    with app.app_context():
        db.session.add(ReviewMarker(story_id=story_id, user_id=user_id))
        with pytest.raises(Conflict):
            # The flush comes from the query's autoflush, not from an explicit commit.
            db.session.scalar(sa.select(sa.func.count()).select_from(ReviewMarker))
        db.session.rollback()


def test_a_unique_race_in_a_plain_statement_is_a_conflict(app, demo, moderator):
    story_id, user_id = _story_and_user(app, moderator)
    insert = sa.insert(ReviewMarker).values(story_id=story_id, user_id=user_id)
    with app.app_context():
        db.session.execute(insert)
        with pytest.raises(Conflict):
            db.session.execute(insert)
        db.session.rollback()


def test_a_lock_held_by_another_writer_is_a_conflict(app, demo, database_url):
    with app.app_context():
        story_id = db.session.scalar(sa.select(Story.id).order_by(Story.id))
    other = sa.create_engine(database_url)
    try:
        with other.connect() as holder:
            if is_postgres():
                holder.execute(
                    sa.text("SELECT id FROM stories WHERE id = :id FOR UPDATE"), {"id": story_id}
                )
            else:
                holder.exec_driver_sql("BEGIN IMMEDIATE")
            with app.app_context():
                if is_postgres():
                    db.session.execute(sa.text("SET LOCAL lock_timeout = '100ms'"))
                else:
                    db.session.connection().exec_driver_sql("PRAGMA busy_timeout = 100")
                story = db.session.get(Story, story_id)
                story.title = "Changed while locked"
                with pytest.raises(Conflict):
                    db.session.commit()
                db.session.rollback()
            holder.rollback()
    finally:
        other.dispose()


@pytest.mark.skipif(is_postgres(), reason="SQLite's file lock; PostgreSQL is covered above")
def test_an_edit_meeting_a_locked_database_is_409_with_the_text_kept(
    app, client, default_diagnosis, submit
):
    token = manage_token(submit().get_data(as_text=True))
    page = client.get(f"/my/{token}/edit").get_data(as_text=True)
    fields = form_fields(page, f"/my/{token}/edit")
    fields["body"] = "Words typed while the database was busy with someone else's write."
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.connect() as holder:
            holder.exec_driver_sql("BEGIN IMMEDIATE")
            response = client.post(f"/my/{token}/edit", data=fields)
            holder.rollback()
    finally:
        other.dispose()
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Words typed while the database was busy with someone else&#39;s write." in html
    assert re.search(r'name="title"[^>]*value="Learning to type again"', html)
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title="Learning to type again"))
        assert story.status is StoryStatus.PENDING and "busy" not in story.body_text


def test_a_double_submission_that_passed_the_key_probe_yields_the_first_story(app, demo):
    """Two POSTs of one form both find no story with their key, then both INSERT (the plain
    INSERTs of services/arrival_rows.py): the second meets the unique key, and gets the first
    one's story and receipt; nothing of its own is left behind."""
    from storyhub.models import Relation, Submitter
    from storyhub.services import submissions

    key = "k" * 40

    def submission() -> submissions.StorySubmission:
        return submissions.StorySubmission(
            author_name="R.B.", relation=Relation.SELF, country="IT", language="en",
            title="Twice", body="The same story, sent twice.", consent_publish=True,
            diagnoses=["morphea"], idempotency_key=key,
        )  # fmt: skip

    with app.test_request_context():
        first = submissions.submit_story(submission())
        counts = [db.session.scalar(sa.select(sa.func.count()).select_from(t))
                  for t in (Story, Submitter)]  # fmt: skip
        # The racing request: past the probe (it ran before the first committed).
        second = Story(
            status=StoryStatus.PENDING, author_name="R.B.", country="IT", language="en",
            idempotency_key=submissions.stored_key(key),
            submitter=submissions.new_submitter("t" * 43, "", True),
        )  # fmt: skip
        submissions.set_text(second, "Twice", "The same story, sent twice.")
        winner = submissions.store_new(second, key, None, diagnosis_ids=[])
        assert winner.id == first.story.id
        assert [db.session.scalar(sa.select(sa.func.count()).select_from(t))
                for t in (Story, Submitter)] == counts  # fmt: skip
