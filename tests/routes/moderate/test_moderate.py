"""Moderators: login, queue, decisions with events and optimistic locking."""

from __future__ import annotations

import re

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryStatus
from tests.plugins.forms import MODERATOR_EMAIL, csrf_token


def _pending_id(app, title="Learning to type again") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Story.id).filter_by(title=title))


def _decide(client, story_id, action, **overrides):
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    body = re.search(r'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    import html as htmllib

    data = {
        "csrf_token": csrf_token(page),
        "action": action,
        "title": re.search(r'name="title"[^>]*value="([^"]*)"', page).group(1),
        "body": htmllib.unescape(body),
        "excerpt": "",
        "reason": "",
        "version": version,
        "diagnoses": ["limited-cutaneous-ssc"],
        "topics": [],
    }
    data.update(overrides)
    return client.post(f"/moderate/stories/{story_id}", data=data)


def test_moderation_needs_login(client):
    response = client.get("/moderate/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/moderate/stories/1").status_code == 302


def test_login_wrong_password_keeps_email(client, moderator, auth):
    response = auth.login(password="wrong password!")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "E-mail or password is not correct." in html
    assert f'value="{MODERATOR_EMAIL}"' in html


def test_login_ignores_offsite_next(client, moderator):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/x",
        data={"email": MODERATOR_EMAIL, "password": "a long test password", "csrf_token": token},
    )
    assert response.headers["Location"] == "/moderate/"


def test_queue_lists_pending_oldest_first(client, demo, moderator, auth, submit):
    submit(title="Newest pending story")
    auth.login()
    html = client.get("/moderate/").get_data(as_text=True)
    assert html.index("A patch on my side") < html.index("Newest pending story")
    assert "Italy" in html and "English" in html
    assert "Limited cutaneous systemic sclerosis" in html  # names, not slugs


def test_approve_onto_topic_shows_teaser(app, client, demo, moderator, auth, submit):
    submit()
    story_id = _pending_id(app)
    auth.login()
    response = _decide(client, story_id, "approve", topics=["calcinosis"])
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    topic = client.get("/topics/calcinosis").get_data(as_text=True)
    assert "R.B.:" in topic
    assert "Limited cutaneous systemic sclerosis (Italy)" in topic
    assert "My fingers stiffened first in winter…" in topic
    assert "rb.patient@example.net" not in topic
    story_page = client.get(f"/stories/{story_id}", follow_redirects=True)
    assert story_page.status_code == 200
    assert "rb.patient@example.net" not in story_page.get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(
            sa.select(ModerationEvent).filter_by(story_id=story_id).order_by(ModerationEvent.id)
        ).all()
        assert [(e.action, e.from_status, e.to_status) for e in events] == [
            ("submit", None, "pending"),
            ("approve", "pending", "published"),
        ]
        assert events[1].actor.email == MODERATOR_EMAIL


def test_reject_requires_reason_and_keeps_edits(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit()
    story_id = _pending_id(app)
    auth.login()
    response = _decide(client, story_id, "reject", title="Edited title kept")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please say why the story is rejected" in html
    assert "Edited title kept" in html
    response = _decide(client, story_id, "reject", reason="This reads as an advertisement.")
    assert response.status_code == 302
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.status is StoryStatus.REJECTED
        assert story.moderator_message == "This reads as an advertisement."
    assert client.get(f"/stories/{story_id}").status_code == 404


def test_request_changes_message_reaches_manage_link(
    app, client, default_diagnosis, moderator, auth, submit
):
    from tests.plugins.forms import manage_token

    token = manage_token(submit().get_data(as_text=True))
    story_id = _pending_id(app)
    auth.login()
    _decide(client, story_id, "request_changes", reason="Please remove the surname.")
    html = client.get(f"/my/{token}").get_data(as_text=True)
    assert "A moderator asked for changes" in html
    assert "Please remove the surname." in html


def test_stale_version_is_refused_and_edits_are_kept(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit()
    story_id = _pending_id(app)
    auth.login()
    stale = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    _decide(client, story_id, "request_changes", reason="First moderator's message.")
    version = re.search(r'name="version"[^>]*value="(\d+)"', stale).group(1)
    response = client.post(
        f"/moderate/stories/{story_id}",
        data={
            "csrf_token": csrf_token(stale),
            "action": "approve",
            "title": "My careful edit",
            "body": "<p>Edited body</p>",
            "version": version,
            "reason": "",
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this story" in html
    assert "My careful edit" in html
    with app.app_context():
        assert db.session.get(Story, story_id).status is StoryStatus.CHANGES_REQUESTED


def test_moderator_text_is_plain_and_never_markup(
    app, client, default_diagnosis, moderator, auth, submit
):
    """Moderators edit the author's plain text (issue 15): typed markup is shown as text,
    URLs become links by the one sanitising policy."""
    submit()
    story_id = _pending_id(app)
    auth.login()
    _decide(
        client,
        story_id,
        "approve",
        body='Fine <strong>text</strong><script>alert(1)</script> <a href="javascript:x">bad</a>'
        "\n\nSee https://ok.example.org for more.",
    )
    with app.app_context():
        html = db.session.get(Story, story_id).body_html
    assert "<script" not in html and "<strong>" not in html and '<a href="javascript:' not in html
    assert "&lt;strong&gt;text&lt;/strong&gt;" in html
    assert 'href="https://ok.example.org" rel="nofollow ugc noopener"' in html


def test_unpublish_hides_story(app, client, default_diagnosis, moderator, auth, submit):
    submit()
    story_id = _pending_id(app)
    auth.login()
    _decide(client, story_id, "approve")
    assert _decide(client, story_id, "unpublish").status_code == 400
    assert (
        _decide(client, story_id, "unpublish", reason="Author asked by phone.").status_code == 302
    )
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert client.get(f"/stories/{story_id}").status_code == 404


def test_logout_needs_post_with_csrf(client, moderator, auth):
    auth.login()
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={"csrf_token": "forged"})
    assert client.get("/moderate/").status_code == 200


def test_review_form_starts_with_the_submitted_diagnoses(
    app, client, demo, moderator, auth, submit
):
    submit()
    story_id = _pending_id(app)
    auth.login()
    html = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="diagnoses"[^>]*value="limited-cutaneous-ssc"', html)
    assert not re.search(r'<input checked[^>]*name="diagnoses"[^>]*value="morphea"', html)


def test_approving_without_a_diagnosis_is_refused(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit()
    story_id = _pending_id(app)
    auth.login()
    response = _decide(client, story_id, "approve", diagnoses=[])
    assert response.status_code == 400
    assert "Choose at least one diagnosis before publishing." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Story, story_id).status is StoryStatus.PENDING
