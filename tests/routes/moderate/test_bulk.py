"""Workbench 5: several pending stories at once — each with its own event and notice;
partial failures reported story by story."""

from __future__ import annotations

import pytest

from storyhub.extensions import db
from storyhub.models import RejectReason, Story, StoryStatus
from tests.plugins.workbench import (
    event_count,
    events_of,
    form_fields,
    post_review,
    spy_notices,
    story_id_by_title,
)

BODY = "My fingers went white at the bus stop every winter morning, then blue, then red."


@pytest.fixture
def notices(monkeypatch):
    return spy_notices(monkeypatch)


def _three(app, submit) -> list[int]:
    for n in range(3):
        submit(title=f"Bulk story {n}", body=BODY)
    return [story_id_by_title(app, f"Bulk story {n}") for n in range(3)]


def _bulk_form(client) -> dict:
    return form_fields(client.get("/moderate/").get_data(as_text=True), "/moderate/bulk")


def _values(client) -> list[str]:
    import re

    html = client.get("/moderate/").get_data(as_text=True)
    return re.findall(r'name="stories" id="pick-\d+" value="([\d:]+)"', html)


def test_bulk_approve_onto_a_topic(app, client, demo, moderator, auth, submit, notices):
    ids = _three(app, submit)
    auth.login()
    fields = _bulk_form(client)
    values = [v for v in _values(client) if int(v.split(":")[0]) in ids]
    fields.update(stories=values, bulk_action="approve", topic="raynauds")
    response = client.post("/moderate/bulk", data=fields)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Approve: 3 of 3 done" in html
    with app.app_context():
        for story_id in ids:
            story = db.session.get(Story, story_id)
            assert story.status is StoryStatus.PUBLISHED
            assert [t.slug for t in story.topics] == ["raynauds"]
    for story_id in ids:
        assert events_of(app, story_id)[1:] == [("approve", "pending", "published", "")]
    assert sorted(n[0] for n in notices) == sorted(ids)


def test_partial_failures_are_reported_per_story(
    app, client, default_diagnosis, moderator, auth, submit, notices
):
    ok, stale, no_diagnosis = _three(app, submit)
    auth.login()
    fields = _bulk_form(client)
    values = [v for v in _values(client) if int(v.split(":")[0]) in (ok, stale, no_diagnosis)]
    # Meanwhile one story is edited by someone; another has lost its diagnosis (directly in
    # the database, so its version stays as the queue showed it).
    post_review(client, stale, "save", title="Edited meanwhile")
    with app.app_context():
        story = db.session.get(Story, no_diagnosis)
        story.diagnoses = []
        db.session.commit()
    before = event_count(app)
    fields.update(stories=values, bulk_action="approve")
    html = client.post("/moderate/bulk", data=fields).get_data(as_text=True)
    assert "Approve: 1 of 3 done" in html
    assert "It changed since you loaded the queue (it is now pending): open it to decide." in html
    assert "Choose at least one diagnosis before publishing." in html
    assert event_count(app) == before + 1
    assert notices == [(ok, "approve", "")]
    with app.app_context():
        assert db.session.get(Story, stale).status is StoryStatus.PENDING
        assert db.session.get(Story, no_diagnosis).status is StoryStatus.PENDING


def test_bulk_reject_with_one_reason(
    app, client, default_diagnosis, moderator, auth, submit, notices
):
    ids = _three(app, submit)
    with app.app_context():
        preset = RejectReason(label="Not a story", text="This reads as a question, not a story.")
        db.session.add(preset)
        db.session.commit()
        preset_id = preset.id
    auth.login()
    fields = _bulk_form(client)
    values = [v for v in _values(client) if int(v.split(":")[0]) in ids]
    fields.update(stories=values, bulk_action="reject")
    refused = client.post("/moderate/bulk", data=fields)
    assert refused.status_code == 400
    assert "Please say why the story is rejected" in refused.get_data(as_text=True)
    assert notices == []
    fields.update(preset=str(preset_id), reason="Try our forum.")
    html = client.post("/moderate/bulk", data=fields).get_data(as_text=True)
    assert "Reject: 3 of 3 done" in html
    words = "This reads as a question, not a story.\n\nTry our forum."
    for story_id in ids:
        assert events_of(app, story_id)[1:] == [("reject", "pending", "rejected", words)]
    assert sorted(notices) == sorted((i, "reject", words) for i in ids)


def test_bulk_refuses_non_pending_stories_one_by_one(app, client, demo, moderator, auth, submit):
    ids = _three(app, submit)
    auth.login()
    fields = _bulk_form(client)
    values = [v for v in _values(client) if int(v.split(":")[0]) in ids]
    published = story_id_by_title(app, "I sassolini sotto la pelle")
    with app.app_context():
        version = db.session.get(Story, published).version
    fields.update(stories=[*values, f"{published}:{version}"], bulk_action="approve")
    html = client.post("/moderate/bulk", data=fields).get_data(as_text=True)
    assert "Approve: 3 of 4 done" in html
    assert "A story that is published cannot be approved." in html


def test_bulk_form_errors(app, client, demo, moderator, auth, submit):
    _three(app, submit)
    auth.login()
    fields = _bulk_form(client)
    fields.update(bulk_action="approve")
    fields.pop("stories", None)
    response = client.post("/moderate/bulk", data=fields)
    assert response.status_code == 400
    assert "Tick at least one story." in response.get_data(as_text=True)
    for damaged in (["abc"], ["1:"], ["99999999999:1"]):
        fields.update(stories=damaged)
        assert client.post("/moderate/bulk", data=fields).status_code == 400
    fields.update(stories=["424242:1"], bulk_action="approve")
    html = client.post("/moderate/bulk", data=fields).get_data(as_text=True)
    assert "There is no such story." in html
    fields.update(bulk_action="erase")
    assert client.post("/moderate/bulk", data=fields).status_code == 400
    fields.update(bulk_action="approve", topic="no-such-topic")
    assert client.post("/moderate/bulk", data=fields).status_code == 400
