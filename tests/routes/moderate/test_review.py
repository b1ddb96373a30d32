"""Workbench 2: the review page — preview, submitted text beside the edited one with a diff,
translations and updates, earlier decisions; edits kept as revisions, saved without deciding."""

from __future__ import annotations

import re

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryRevision, StoryStatus
from tests.plugins.workbench import event_count, post_review, review_fields, story_id_by_title

BODY = (
    "My fingers stiffened first in winter. Typing became slow.\n\n"
    "Now I use dictation and warm gloves, and my sister Maria Bianchi drives me to the clinic."
)


def test_review_shows_preview_original_and_history(app, client, demo, moderator, auth, submit):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    html = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "As readers will see it" in html
    assert "<p>My fingers stiffened first in winter. Typing became slow.</p>" in html  # preview
    assert "Submitted by the author" in html
    assert "The text is as the author submitted it." in html
    assert re.search(r"submit by submitter\s*\(new → pending\)", html)  # earlier decisions


def test_review_lists_translations_and_updates(app, client, demo, moderator, auth):
    auth.login()
    original = story_id_by_title(app, "I sassolini sotto la pelle")
    html = client.get(f"/moderate/stories/{original}").get_data(as_text=True)
    assert "The little stones under my skin" in html and "translation" in html
    winter = story_id_by_title(app, "Learning to live with winter")
    html = client.get(f"/moderate/stories/{winter}").get_data(as_text=True)
    assert "Six months on, and a kinder winter" in html
    translation = story_id_by_title(app, "The little stones under my skin")
    html = client.get(f"/moderate/stories/{translation}").get_data(as_text=True)
    assert f'href="/moderate/stories/{original}"' in html  # back to the original


def test_save_edits_keeps_a_revision_and_decides_nothing(
    app, client, demo, moderator, auth, submit
):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    before = event_count(app)
    fields = review_fields(client, story_id)
    body = fields["body"].replace("my sister Maria Bianchi", "my sister")
    response = post_review(
        client,
        story_id,
        "save",
        fields,
        body=body,
        title="Typing again",
        author_name="R.",
        excerpt="How I type now.",
        diagnoses=["limited-cutaneous-ssc", "raynauds-phenomenon"],
        topics=["raynauds"],
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/moderate/stories/{story_id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Edits saved: title, text, teaser, author name, diagnoses, topics." in page
    assert event_count(app) == before  # saving edits is not a decision
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.status is StoryStatus.PENDING
        assert (story.title, story.author_name, story.excerpt) == (
            "Typing again",
            "R.",
            "How I type now.",
        )
        assert "Maria Bianchi" not in story.body_html
        assert "Maria Bianchi" in story.body_text  # what the author sent stays, privately
        assert [t.slug for t in story.topics] == ["raynauds"]
        revisions = db.session.scalars(
            sa.select(StoryRevision).filter_by(story_id=story_id).order_by(StoryRevision.id)
        ).all()
        assert [r.actor_id for r in revisions] == [None, moderator.id]
        assert revisions[0].title == "Learning to type again"  # the state before any edit
        assert revisions[1].changed_fields == [
            "title",
            "body",
            "excerpt",
            "author_name",
            "diagnoses",
            "topics",
        ]
    # The diff marks what the moderator removed; the revision is listed.
    assert "<del>Maria Bianchi </del>" in page or "<del> Maria Bianchi</del>" in page
    assert "changed title, text, teaser, author name, diagnoses, topics" in page
    assert "as first submitted" in page


def test_saving_nothing_changes_nothing(app, client, default_diagnosis, moderator, auth, submit):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    response = post_review(client, story_id, "save")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing had changed, so nothing was saved." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StoryRevision.id))) == 0
        assert db.session.get(Story, story_id).version == 1


def test_diff_shows_submitted_markup_as_text(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit(body='I wrote <script>alert("x")</script> and <b onmouseover="y()">bold</b> here.')
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    post_review(client, story_id, "save", body="I wrote carefully here.")
    html = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "<script>alert" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # shown, not run
    assert "<ins>carefully</ins>" in html


def test_moderator_text_is_plain_when_saved(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    post_review(client, story_id, "save", body="Fine <h4>Later</h4><img src=x onerror=y()>")
    with app.app_context():
        html = db.session.get(Story, story_id).body_html
    assert "<img" not in html and "<h4>" not in html
    assert "&lt;h4&gt;Later&lt;/h4&gt;" in html  # what was typed, shown as typed


def test_emptied_fields_come_back_with_messages(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    response = post_review(client, story_id, "save", title="", author_name="  ", body="Kept body")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A title is needed." in html and "A name (or initials) is needed." in html
    assert "Kept body" in html


def test_rejected_story_cannot_be_edited(app, client, default_diagnosis, moderator, auth, submit):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    fields = review_fields(client, story_id)
    post_review(client, story_id, "reject", reason="Not a personal story.")
    fields["version"] = "2"
    response = post_review(client, story_id, "save", fields, title="Sneaky edit")
    assert response.status_code == 400
    assert "cannot be edited" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Story, story_id).title == "Learning to type again"
        assert (
            db.session.scalar(
                sa.select(sa.func.count(ModerationEvent.id)).filter_by(
                    story_id=story_id, action="reject"
                )
            )
            == 1
        )


def test_unknown_story_is_404(client, moderator, auth):
    auth.login()
    assert client.get("/moderate/stories/424242").status_code == 404
    assert client.get("/moderate/stories/99999999999999").status_code == 404
