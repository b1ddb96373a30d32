"""Issue 15.6: a story a moderator sent back (request changes, or edits sent for the author's
approval) comes back with "Changed since you sent it back": the author's new version against
the one they were sent back, not against their first submission."""

from __future__ import annotations

import re

from storyhub.models import StoryStatus
from tests.plugins.forms import manage_token
from tests.plugins.workbench import events_of, form_fields, post_review, story_id_by_title

TITLE = "Learning to type again"
# The moderator's edit: the link goes, the rest stays the author's words.
SENT_BACK_BODY = (
    "My fingers stiffened first in winter. Typing became slow.\n\n"
    "Now I use dictation and warm gloves."
)
# The author's answer: the moderator's version and one new sentence.
RESUBMITTED_BODY = (
    "My fingers stiffened first in winter. Typing became slow.\n\n"
    "Now I use dictation and warm gloves. The thin woollen ones help most."
)


def _since_section(html: str) -> str | None:
    match = re.search(r'<section class="since-sent-back".*?</section>', html, re.S)
    return match.group(0) if match else None


def _resubmit(app, token: str, body: str) -> None:
    author = app.test_client()  # the author, on their private link
    page = author.get(f"/my/{token}/edit").get_data(as_text=True)
    fields = form_fields(page, f"/my/{token}/edit")
    response = author.post(f"/my/{token}/edit", data={**fields, "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_resubmission_shows_what_changed_since_the_moderator_sent_it_back(
    app, client, default_diagnosis, moderator, auth, submit
):
    token = manage_token(submit().get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    first_look = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert _since_section(first_look) is None  # never sent back: nothing to compare

    response = post_review(
        client, story_id, "request_changes", body=SENT_BACK_BODY, reason="Which gloves help?"
    )
    assert response.status_code == 302
    waiting = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert _since_section(waiting) is None  # the author has not answered yet

    _resubmit(app, token, RESUBMITTED_BODY)
    assert events_of(app, story_id)[-1][:3] == ("resubmit", "changes_requested", "pending")
    review = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    section = _since_section(review)
    assert section is not None
    assert "Changed since you sent it back" in section
    assert "Sent back for changes by" in section
    assert "the author sent a new version" in section
    assert "What the author changed: Text" in section
    # Against the version sent back: only the author's new sentence is new; the link the
    # moderator had removed is not shown as removed again (it was, before the author saw it).
    assert "<ins> The thin woollen ones help most.</ins>" in section
    assert "<del>" not in section.split("</summary>", 1)[1]
    assert "example.org/tips" not in section


def test_a_second_sending_back_compares_with_the_second_version(
    app, client, default_diagnosis, moderator, auth, submit
):
    token = manage_token(submit().get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    post_review(client, story_id, "request_changes", reason="Which gloves help?")
    _resubmit(app, token, RESUBMITTED_BODY)
    post_review(client, story_id, "request_changes", reason="And which dictation app?")
    _resubmit(app, token, RESUBMITTED_BODY + " I dictate with my phone.")

    section = _since_section(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    assert section is not None
    assert "<ins> I dictate with my phone.</ins>" in section
    inserted = re.findall(r"<ins>(.*?)</ins>", section, re.S)
    assert not [text for text in inserted if "woollen" in text]  # there when sent back
    # The snapshots of what was sent back are not edits: the revisions list stays empty.
    review = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "No edits yet." in review


def test_a_reply_to_edits_sent_to_the_author_says_nothing_changed(
    app, client, default_diagnosis, moderator, auth, submit
):
    token = manage_token(submit().get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)
    auth.login()
    # Removing the link changes the author's words: approving sends it to them first.
    post_review(client, story_id, "approve", body=SENT_BACK_BODY)
    assert events_of(app, story_id)[-1][2] == StoryStatus.AWAITING_AUTHOR.value
    author = app.test_client()
    manage = author.get(f"/my/{token}").get_data(as_text=True)
    fields = form_fields(manage, f"/my/{token}/reply")
    words = "Please keep the link: it helps other people."
    assert author.post(f"/my/{token}/reply", data={**fields, "message": words}).status_code == 302

    section = _since_section(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    assert section is not None
    assert "Edits sent to the author by" in section
    assert "the author replied" in section
    assert "Nothing changed since it was sent back." in section

    # The author then edits the pending story: that change shows against the version sent.
    _resubmit(app, token, SENT_BACK_BODY + "\n\nThe link: https://example.org/tips")
    section = _since_section(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    assert section is not None
    assert "example.org/tips</ins>" in section
