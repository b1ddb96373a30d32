"""Workbench 4: two moderators on one story never overwrite each other silently; the second
sees what changed and keeps their edits; "being reviewed by X" fades by itself."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ReviewMarker, Story, StoryStatus
from storyhub.models._types import utcnow
from tests.plugins.forms import MODERATOR_EMAIL
from tests.plugins.workbench import (
    SECOND_EMAIL,
    login_as,
    make_user,
    post_review,
    review_fields,
    story_id_by_title,
)

TITLE = "Learning to type again"


def _two_moderators(app, _taxonomy, moderator, auth, submit):  # _taxonomy: the test made it
    submit()
    story_id = story_id_by_title(app, TITLE)
    make_user(app, SECOND_EMAIL)
    first = app.test_client()
    login_as(first, MODERATOR_EMAIL, moderator.password)
    second = app.test_client()
    login_as(second, SECOND_EMAIL)
    return story_id, first, second


def test_second_save_is_refused_shows_what_changed_and_keeps_edits(
    app, default_diagnosis, moderator, auth, submit
):
    story_id, first, second = _two_moderators(app, default_diagnosis, moderator, auth, submit)
    first_form = review_fields(first, story_id)
    second_form = review_fields(second, story_id)

    # The first moderator shortens the title and saves.
    assert post_review(first, story_id, "save", first_form, title="Typing again").status_code == 302

    # The second edited the text meanwhile, from the page they loaded before that save.
    my_body = second_form["body"].replace("warm gloves", "warm woollen gloves")
    response = post_review(second, story_id, "save", second_form, body=my_body)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this story" in html
    assert "What changed since you opened this page" in html
    assert f"Edited by {MODERATOR_EMAIL}" in html
    assert "<del>Learning to type again</del> → <ins>Typing again</ins>" in html
    # Their own edit is kept; the field they did not touch shows the new title.
    assert "warm woollen gloves" in html
    assert re.search(r'name="title"[^>]*value="Typing again"', html)
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.title == "Typing again" and "woollen" not in story.body_html
        version = story.version
    assert re.search(rf'name="version"[^>]*value="{version}"', html)

    # Saving again, now deliberately, keeps both edits.
    again = dict(second_form, body=my_body, title="Typing again", version=str(version))
    again["loaded_at"] = re.search(r'name="loaded_at"[^>]*value="([^"]+)"', html).group(1)
    assert post_review(second, story_id, "save", again).status_code == 302
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.title == "Typing again" and "warm woollen gloves" in story.body_html


def test_both_changing_one_field_keeps_mine_and_says_so(
    app, default_diagnosis, moderator, auth, submit
):
    story_id, first, second = _two_moderators(app, default_diagnosis, moderator, auth, submit)
    first_form = review_fields(first, story_id)
    second_form = review_fields(second, story_id)
    post_review(first, story_id, "save", first_form, title="Their title")
    response = post_review(second, story_id, "save", second_form, title="My title")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "You both changed: title." in html
    assert re.search(r'name="title"[^>]*value="My title"', html)


def test_decision_after_someone_elses_decision_is_refused(
    app, default_diagnosis, moderator, auth, submit
):
    story_id, first, second = _two_moderators(app, default_diagnosis, moderator, auth, submit)
    second_form = review_fields(second, story_id)
    post_review(first, story_id, "request_changes", reason="Please add a title that says more.")
    response = post_review(second, story_id, "approve", second_form, excerpt="My teaser.")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "it is now changes requested" in html
    assert re.search(
        r"request changes by mod@example.org\s*\(pending → changes requested\): "
        r"“Please add a title that says more.”",
        html,
    )
    assert 'value="My teaser."' in html
    with app.app_context():
        assert db.session.get(Story, story_id).status is StoryStatus.CHANGES_REQUESTED


def test_being_reviewed_marker_shows_and_expires(app, default_diagnosis, moderator, auth, submit):
    story_id, first, second = _two_moderators(app, default_diagnosis, moderator, auth, submit)
    first.get(f"/moderate/stories/{story_id}")
    page = second.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert re.search(rf"Being reviewed by {MODERATOR_EMAIL} since \d\d:\d\d UTC", page)
    queue = second.get("/moderate/").get_data(as_text=True)
    assert f"Being reviewed by {MODERATOR_EMAIL} since" in queue
    # Nobody is shown as reviewing to themselves.
    assert f"Being reviewed by {MODERATOR_EMAIL}" not in first.get("/moderate/").get_data(
        as_text=True
    )

    # A marker unseen for longer than REVIEW_MARKER_MINUTES no longer counts: no stale locks.
    with app.app_context():
        db.session.execute(sa.update(ReviewMarker).values(seen_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    assert f"Being reviewed by {MODERATOR_EMAIL}" not in second.get("/moderate/").get_data(
        as_text=True
    )


def test_marker_is_a_hint_not_a_lock_and_goes_with_the_decision(
    app, default_diagnosis, moderator, auth, submit
):
    story_id, first, second = _two_moderators(app, default_diagnosis, moderator, auth, submit)
    first.get(f"/moderate/stories/{story_id}")
    # The second moderator may still decide while the first has the page open.
    assert post_review(second, story_id, "approve").status_code == 302
    first_queue = first.get("/moderate/?state=published").get_data(as_text=True)
    assert f"Being reviewed by {SECOND_EMAIL}" not in first_queue
    post_review(first, story_id, "unpublish", reason="Checking something.")
    with app.app_context():
        markers = db.session.scalars(sa.select(ReviewMarker.user_id)).all()
        assert markers == []  # both decided: both markers gone


def test_viewing_again_keeps_the_start_time(app, default_diagnosis, moderator, auth, submit):
    story_id, first, _second = _two_moderators(app, default_diagnosis, moderator, auth, submit)
    first.get(f"/moderate/stories/{story_id}")
    with app.app_context():
        started = db.session.scalar(sa.select(ReviewMarker.started_at))
    first.get(f"/moderate/stories/{story_id}")
    with app.app_context():
        marker = db.session.scalars(sa.select(ReviewMarker)).one()
        assert marker.started_at == started and marker.seen_at > started


def test_changing_only_topics_still_moves_the_version(app, demo, moderator, auth, submit):
    story_id, first, second = _two_moderators(app, demo, moderator, auth, submit)
    first_form = review_fields(first, story_id)
    second_form = review_fields(second, story_id)
    assert post_review(first, story_id, "save", first_form, topics=["raynauds"]).status_code == 302
    response = post_review(second, story_id, "save", second_form, title="Mine")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "<del>none</del> → <ins>Raynaud" in html
    assert re.search(r'<input checked[^>]*name="topics"[^>]*value="raynauds"', html)
