"""Issue G.5: a moderator's content note ("describes a death") comes before the story text —
on the story page with the text one click away (no script needed), in feeds and the API."""

from __future__ import annotations

import re

from storyhub.extensions import db
from storyhub.models import Story
from tests.plugins.submission import decide
from tests.plugins.workbench import events_of, post_review, story_id_by_title

TITLE = "Learning to type again"
NOTE = "Describes the death of a parent"


def _published(app, submit, **choices) -> int:
    submit(**choices)
    story_id = story_id_by_title(app, TITLE)
    decide(app, story_id, "approve")
    return story_id


def test_a_note_comes_first_and_the_text_is_one_click_away(
    app, client, default_diagnosis, moderator, auth, submit
):
    story_id = _published(app, submit, consent_syndicate="y")
    reader = app.test_client()
    before = reader.get(f"/stories/{story_id}", follow_redirects=True).get_data(as_text=True)
    assert "content-note" not in before
    assert reader.get(f"/stories/{story_id}", follow_redirects=True).headers["X-Cache"] == "hit"

    auth.login()
    review = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert 'name="content_note"' in review
    response = post_review(client, story_id, "save", content_note=NOTE)
    assert response.status_code == 302
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.content_note == NOTE and story.status.value == "published"  # a minor edit
    assert "content note" in client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)

    # The cached page is stale at once; the note is a <summary>, the text inside <details>.
    page = reader.get(f"/stories/{story_id}", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.headers["X-Cache"] == "miss"
    details = re.search(r'<details class="content-note">(.*?)</details>', html, re.S)
    assert details, "no content note on the page"
    summary = re.search(r"<summary>(.*?)</summary>", details.group(1), re.S).group(1)
    assert "Content note:" in summary and NOTE in summary and "Show the text" in summary
    assert "Typing became slow." in details.group(1)  # the text, behind the note
    assert html.index(NOTE) < html.index("Typing became slow.")

    # Feeds and the API carry it too, before the text.
    feed = reader.get("/feeds/stories.atom").get_data(as_text=True)
    entry = feed[feed.index(TITLE) :]
    assert f"Content note: {NOTE}" in entry
    assert entry.index(NOTE) < entry.index("Typing became slow.")
    api = reader.get(f"/api/v1/stories/{story_id}").get_json()
    assert api["content_note"] == NOTE
    listed = reader.get("/api/v1/stories?limit=100").get_json()["stories"]
    assert next(s for s in listed if s["id"] == story_id)["content_note"] == NOTE
    # Every other story says it has none.
    assert all(s["content_note"] == "" for s in listed if s["id"] != story_id)

    # Recorded as an edit (revision), not a decision; removing it is an edit too.
    assert events_of(app, story_id)[-1][0] == "approve"
    post_review(client, story_id, "save", content_note="")
    html = reader.get(f"/stories/{story_id}", follow_redirects=True).get_data(as_text=True)
    assert "content-note" not in html and "Typing became slow." in html


def test_a_note_can_be_set_while_approving_and_is_limited(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit()
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    too_long = post_review(client, story_id, "approve", content_note="x" * 201)
    assert too_long.status_code == 400
    assert "under 200 characters" in too_long.get_data(as_text=True)
    assert post_review(client, story_id, "approve", content_note=NOTE).status_code == 302
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.content_note == NOTE and story.status.value == "published"
