"""Workbench 3: every decision — approve, reject (preset + free text), request changes,
unpublish, republish, erase — writes one event and notifies the author once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import RejectReason, Story, StoryRevision, StoryStatus, Submitter
from tests.plugins.forms import csrf_token, manage_token
from tests.plugins.workbench import (
    events_of,
    form_fields,
    post_review,
    review_fields,
    spy_notices,
    story_id_by_title,
)

TITLE = "Learning to type again"


@pytest.fixture
def notices(monkeypatch):
    return spy_notices(monkeypatch)


def _preset(app, label="Advertising", text="We do not publish advertising or fundraising.") -> int:
    with app.app_context():
        preset = RejectReason(label=label, text=text, position=0)
        db.session.add(preset)
        db.session.commit()
        return preset.id


def test_approve_with_topics_and_diagnoses(app, client, demo, moderator, auth, submit, notices):
    submit()
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    response = post_review(
        client,
        story_id,
        "approve",
        diagnoses=["diffuse-cutaneous-ssc", "raynauds-phenomenon"],
        topics=["raynauds", "calcinosis"],
    )
    assert response.status_code == 302
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.status is StoryStatus.PUBLISHED and story.published_at is not None
        assert {d.slug for d in story.diagnoses} == {"diffuse-cutaneous-ssc", "raynauds-phenomenon"}
        assert {t.slug for t in story.topics} == {"raynauds", "calcinosis"}
    assert events_of(app, story_id)[1:] == [("approve", "pending", "published", "")]
    assert notices == [(story_id, "approve", "")]


def test_reject_with_preset_and_free_text_reaches_the_author(
    app, client, default_diagnosis, moderator, auth, submit, notices
):
    token = manage_token(submit().get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)
    preset = _preset(app)
    auth.login()
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert f'<option value="{preset}">Advertising</option>' in page
    response = post_review(
        client, story_id, "reject", preset=str(preset), reason="The link goes to a shop."
    )
    assert response.status_code == 302
    words = "We do not publish advertising or fundraising.\n\nThe link goes to a shop."
    assert events_of(app, story_id)[1:] == [("reject", "pending", "rejected", words)]
    assert notices == [(story_id, "reject", words)]
    manage = client.get(f"/my/{token}").get_data(as_text=True)
    assert "We do not publish advertising or fundraising." in manage
    assert "The link goes to a shop." in manage


def test_reject_with_a_preset_alone_and_without_anything(
    app, client, default_diagnosis, moderator, auth, submit, notices
):
    submit()
    story_id = story_id_by_title(app, TITLE)
    preset = _preset(app)
    auth.login()
    refused = post_review(client, story_id, "reject", title="Edited title stays")
    assert refused.status_code == 400
    assert "Edited title stays" in refused.get_data(as_text=True)
    assert notices == []
    post_review(client, story_id, "reject", preset=str(preset))
    assert events_of(app, story_id)[-1][3] == "We do not publish advertising or fundraising."


def test_request_changes_then_unpublish_and_republish(
    app, client, demo, moderator, auth, submit, notices
):
    submit()
    first = story_id_by_title(app, TITLE)
    submit(title="Second story", body="Another story about cold hands and long winters.")
    second = story_id_by_title(app, "Second story")
    auth.login()
    assert post_review(client, first, "request_changes").status_code == 400
    post_review(client, first, "request_changes", reason="Please remove your sister's name.")
    post_review(client, second, "approve")
    assert post_review(client, second, "unpublish").status_code == 400  # reason needed
    post_review(client, second, "unpublish", reason="The author asked by phone.")
    assert client.get(f"/stories/{second}").status_code == 404
    post_review(client, second, "republish")
    assert events_of(app, first)[1:] == [
        ("request_changes", "pending", "changes_requested", "Please remove your sister's name.")
    ]
    assert [e[:3] for e in events_of(app, second)[1:]] == [
        ("approve", "pending", "published"),
        ("unpublish", "published", "unpublished"),
        ("republish", "unpublished", "published"),
    ]
    assert [n[:2] for n in notices] == [
        (first, "request_changes"),
        (second, "approve"),
        (second, "unpublish"),
        (second, "republish"),
    ]


def test_erase_wipes_text_personal_data_and_revisions(
    app, client, default_diagnosis, moderator, auth, submit, notices
):
    submit()
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    post_review(client, story_id, "save", title="Edited before erasing")
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    fields = form_fields(page, f"/moderate/stories/{story_id}/erase")
    # Both the reason and the confirmation are needed.
    refused = client.post(f"/moderate/stories/{story_id}/erase", data=fields)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Tick the box to confirm." in html and "Please give the reason for erasing." in html
    fields.update({"erase-reason": "The author asked us to forget it.", "erase-confirm": "y"})
    response = client.post(f"/moderate/stories/{story_id}/erase", data=fields)
    assert response.status_code == 302
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.status is StoryStatus.ERASED
        assert story.title == story.body_text == story.body_html == story.author_name == ""
        assert db.session.get(Submitter, story.submitter_id).email is None
        assert db.session.scalar(sa.select(sa.func.count(StoryRevision.id))) == 0
    assert events_of(app, story_id) == [
        ("submit", None, "pending", ""),
        ("erase", "pending", "erased", "The author asked us to forget it."),
    ]
    assert notices == [(story_id, "erase", "The author asked us to forget it.")]
    review = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "Edit and decide" in review and "No edit or decision is possible" in review
    assert f'action="/moderate/stories/{story_id}/erase"' not in review


def test_erase_checks_the_version(app, client, default_diagnosis, moderator, auth, submit, notices):
    submit()
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    stale = form_fields(page, f"/moderate/stories/{story_id}/erase")
    post_review(client, story_id, "approve")
    stale.update({"erase-reason": "Duplicate.", "erase-confirm": "y"})
    response = client.post(f"/moderate/stories/{story_id}/erase", data=stale)
    assert response.status_code == 409
    assert "Someone else changed this story" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Story, story_id).status is StoryStatus.PUBLISHED


def test_a_decision_on_another_state_is_refused(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit()
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    fields = review_fields(client, story_id)
    response = post_review(client, story_id, "republish", fields)
    assert response.status_code == 400
    assert "A story that is pending cannot be republished." in response.get_data(as_text=True)
    assert len(events_of(app, story_id)) == 1
    forged = post_review(client, story_id, "delete_everything", fields)
    assert forged.status_code == 400
    assert "Choose one of the buttons." in forged.get_data(as_text=True)


def test_no_csrf_token_no_decision(app, client, default_diagnosis, moderator, auth, submit):
    submit()
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    fields = review_fields(client, story_id)
    fields["csrf_token"] = "forged"
    response = post_review(client, story_id, "approve", fields, title="Kept after CSRF")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your session had expired" in html and "Kept after CSRF" in html
    assert len(events_of(app, story_id)) == 1
    assert csrf_token(html)  # a fresh token to try again with
