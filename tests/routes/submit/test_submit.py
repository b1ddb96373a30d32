"""Submitting a story, as a patient meets it through the form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryStatus, Submitter
from tests.plugins.forms import csrf_token, manage_token


def test_form_lists_choices_and_explains_privacy(client, default_diagnosis):
    page = client.get("/submit").get_data(as_text=True)
    for name in (
        "author_name",
        "relation",
        "relation_detail",
        "email",
        "country",
        "language",
        "diagnoses",
        "title",
        "body",
        "consent_publish",
        "website",
        "csrf_token",
    ):
        assert f'name="{name}"' in page
    assert "Submit story" in page
    assert "Limited cutaneous systemic sclerosis" in page
    assert '<option value="IT">Italy</option>' in page
    assert "never shown" in page


def test_valid_story_is_pending_and_shows_manage_link(app, client, demo, submit):
    response = submit()
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = manage_token(html)
    assert len(token) >= 32
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title="Learning to type again"))
        assert story.status is StoryStatus.PENDING
        assert story.body_text.startswith("My fingers stiffened first in winter.")
        assert "<p>My fingers stiffened first in winter. Typing became slow.</p>" in story.body_html
        assert 'rel="nofollow ugc noopener"' in story.body_html
        assert story.excerpt == "My fingers stiffened first in winter."
        assert [d.slug for d in story.diagnoses] == ["limited-cutaneous-ssc"]
        submitter = db.session.get(Submitter, story.submitter_id)
        assert submitter.email == "rb.patient@example.net"
        assert token not in submitter.manage_token_hash  # only the hash is stored
        assert submitter.consent_publish_at is not None
        events = db.session.scalars(sa.select(ModerationEvent).filter_by(story_id=story.id)).all()
        assert [(e.action, e.to_status) for e in events] == [("submit", "pending")]

    manage = client.get(f"/my/{token}")
    assert manage.status_code == 200
    assert "Waiting for a moderator" in manage.get_data(as_text=True)
    assert manage.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/my/not-a-real-token").status_code == 404


def test_pending_story_is_not_public(app, client, demo, submit):
    submit(title="A private draft title")
    with app.app_context():
        story_id = db.session.scalar(sa.select(Story.id).filter_by(title="A private draft title"))
    assert client.get(f"/stories/{story_id}").status_code == 404
    for url in (
        "/",
        "/stories/",
        "/topics/calcinosis",
        "/diagnoses/systemic-sclerosis",
        "/languages/en",
    ):
        assert "A private draft title" not in client.get(url).get_data(as_text=True)


def test_invalid_form_keeps_everything_typed(client, default_diagnosis, submit):
    response = submit(
        title="",
        country="ZZ",
        consent_publish="",
        diagnoses=[],
        body="A long story that must not be lost. " * 20,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please give your story a title." in html
    assert "Please choose a country from the list." in html
    assert "We can only publish your story with your agreement." in html
    assert "Choose at least one diagnosis" in html
    assert "A long story that must not be lost." in html
    assert 'value="R.B."' in html


def test_limits_are_enforced_with_clear_messages(client, default_diagnosis, submit):
    html = submit(title="t" * 201, body="b" * 50_001).get_data(as_text=True)
    assert "Please keep the title under 200 characters." in html
    assert "longer than 50000 characters" in html


def test_expired_csrf_token_keeps_the_story(client, default_diagnosis, submit):
    response = submit(csrf_token="expired-or-forged", body="Every word of this hour-long story.")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing is lost" in html
    assert "Every word of this hour-long story." in html
    # The refilled form carries a fresh token: pressing Submit again now works.
    data = {"csrf_token": csrf_token(html)}
    assert client.get("/submit").status_code == 200
    assert data["csrf_token"]


def test_double_submit_creates_one_story_and_same_link(app, client, default_diagnosis):
    page = client.get("/submit").get_data(as_text=True)
    from tests.plugins.forms import hidden_value, story_form_data

    data = story_form_data(
        csrf_token=csrf_token(page), submission_key=hidden_value(page, "submission_key")
    )
    first = client.post("/submit", data=data).get_data(as_text=True)
    second = client.post("/submit", data=data).get_data(as_text=True)
    assert manage_token(first) == manage_token(second)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Story.id)).filter_by(title="Learning to type again")
            )
            == 1
        )


def test_honeypot_filled_is_refused_without_losing_text(app, client, default_diagnosis, submit):
    response = submit(website="http://spam.example")
    assert response.status_code == 400
    assert "must stay empty" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Story.id)).where(Story.title == "Learning to type again")
            )
            == 0
        )


def test_hostile_text_is_stored_clean(app, client, default_diagnosis, submit):
    response = submit(
        author_name="<script>alert(1)</script>\x00",
        title="Title \u202e with override",
        body='<img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>\x00 '
        "and enough words to pass the minimum length check.",
    )
    assert response.status_code == 200
    with app.app_context():
        story = db.session.scalar(sa.select(Story).order_by(Story.id.desc()).limit(1))
        assert "\x00" not in story.author_name and "\x00" not in story.body_text
        assert "\u202e" not in story.title
        assert "<img" not in story.body_html and '<a href="javascript' not in story.body_html
        assert "&lt;img" in story.body_html


def test_any_valid_language_tag_and_unknown_rejected(app, client, default_diagnosis, submit):
    # English text declared Brazilian Portuguese: confirmed, so it is stored (and flagged).
    response = submit(language="pt_br", confirm_language="y")
    assert "your story has arrived" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Story.language).order_by(Story.id.desc())) == "pt-BR"
    html = submit(language="xx-notalang").get_data(as_text=True)
    assert "Please choose a language from the list." in html
    html = submit(diagnoses=["no-such-diagnosis"]).get_data(as_text=True)
    assert "Please choose diagnoses from the list." in html
    html = submit(relation="enemy").get_data(as_text=True)
    assert "Not a valid choice" in html


@pytest.mark.app_config(IDENTIFIER_CHECK=True)
def test_a_submission_is_a_few_plain_statements_in_one_transaction(app, client, demo):
    """The hot path (issue #18): the key probe, then one INSERT per row (submitter, story, its
    diagnoses, the event, the consents, the receipt e-mail) and the commit; the diagnoses
    come from the taxonomy the form was made from, and are counted (re-identification) only
    when the text gives something away."""
    from tests.plugins.forms import hidden_value, story_form_data

    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(consent_translate="y", body="My fingers stiffened first in winter.")
    data.update(csrf_token=csrf_token(page), submission_key=hidden_value(page, "submission_key"))
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()[:3]))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.post("/submit", data=data)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert manage_token(response.get_data(as_text=True))
    assert statements == [
        "SELECT stories.id FROM",
        "INSERT INTO submitters",
        "INSERT INTO stories",
        "INSERT INTO story_diagnoses",
        "INSERT INTO moderation_events",
        "INSERT INTO consents",
        "INSERT INTO outbox_messages",
    ]
    with app.app_context():
        story = db.session.scalar(sa.select(Story).order_by(Story.id.desc()).limit(1))
        assert story.allow_translation and story.version == 1 and story.submitted_at
        assert [d.slug for d in story.diagnoses] == ["limited-cutaneous-ssc"]
