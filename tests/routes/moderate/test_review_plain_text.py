"""Moderators never edit HTML: the review form's text is the author's plain text, the stored
HTML is derived from it by the one sanitising policy, and the preview reads as readers see it."""

from __future__ import annotations

import html as htmllib
import re

from storyhub.extensions import db
from storyhub.models import Story, StoryRevision
from tests.plugins.workbench import post_review, review_fields, story_id_by_title

BODY = (
    "My fingers stiffened first in winter.\nTyping became slow.\n\n"
    "Now I use dictation, see https://example.org/tips for my list."
)


def _textarea(page: str) -> str:
    match = re.search(r"<textarea[^>]*name=\"body\"[^>]*>\r?\n?(.*?)</textarea>", page, re.S)
    assert match, "no text field"
    return htmllib.unescape(match.group(1))


def test_the_text_field_holds_the_authors_plain_text(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    text = _textarea(page)
    assert text == BODY  # line breaks, paragraphs and the plain URL, as written
    assert "<p>" not in text and "<a " not in text
    assert "HTML" not in page.split('name="body"')[0].rsplit("<label", 1)[1]

    # Saving it untouched changes nothing.
    response = post_review(client, story_id, "save")
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing had changed, so nothing was saved." in follow
    with app.app_context():
        assert db.session.query(StoryRevision).count() == 0


def test_an_edited_text_is_stored_as_html_by_the_one_policy(
    app, client, demo, moderator, auth, submit
):
    submit(body=BODY)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    edited = BODY.replace("see https://example.org/tips for my list", "it helps") + (
        "\n\nMore at https://example.org/more and <b>bold</b>."
    )
    post_review(client, story_id, "save", body=edited)
    with app.app_context():
        story = db.session.get(Story, story_id)
        stored = story.body_html
        assert story.body_text == BODY  # the author's submission is kept as it was
    assert stored.startswith(
        "<p>My fingers stiffened first in winter.<br>\nTyping became slow.</p>"
    )
    assert '<a href="https://example.org/more" rel="nofollow ugc noopener">' in stored
    assert "&lt;b&gt;bold&lt;/b&gt;" in stored and "<b>" not in stored
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert _textarea(page) == edited  # back as the same plain text


def test_the_preview_reads_as_readers_will_see_it(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit(body=BODY, relation="caregiver")
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    preview = page.split('id="preview-h"')[1].split("</article>")[0]
    assert "Written by a caregiver" in preview
    assert "· caregiver" not in preview and ">caregiver<" not in preview
    assert "<strong>R.B.:</strong>" in preview
    assert 'rel="nofollow ugc noopener"' in preview
    fields = review_fields(client, story_id)
    assert fields["relation"] == "caregiver"
