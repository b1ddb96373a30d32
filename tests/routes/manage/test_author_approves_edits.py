"""Issue G.1: a moderator's edits that change the author's words go back to the author —
"publish this version?" on the private page, with the changes marked — and publish only when
the author accepts; the author may reply instead. Small fixes publish directly. The moderator
sees which case applies before deciding."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Consent, ConsentPurpose, OutboxMessage, Story, StoryStatus
from storyhub.services import edit_check
from tests.plugins.forms import manage_token
from tests.plugins.submission import outbox
from tests.plugins.workbench import (
    events_of,
    form_fields,
    post_review,
    review_fields,
    story_id_by_title,
)

TITLE = "Learning to type again"
# The moderator's edit, as plain text (the review form never takes HTML).
BODY_HTML_EDIT = (
    "My fingers stiffened first in winter, and typing became slow.\n\n"
    "Now I use dictation and warm gloves."
)


def _submitted(app, submit, **overrides) -> tuple[str, int]:
    token = manage_token(submit(consent_translate="y", consent_syndicate="y", **overrides)
                         .get_data(as_text=True))  # fmt: skip
    return token, story_id_by_title(app, overrides.get("title", TITLE))


def _status(app, story_id: int) -> StoryStatus:
    with app.app_context():
        return db.session.get(Story, story_id).status


# ---- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "substantive"),
    [
        # title capitals only
        (("my first winter", "R.B.", "Text."), ("My First Winter", "R.B.", "Text."), False),
        # a few typos, punctuation and spacing
        (
            ("Title", "R.B.", "My fingers stifened first in wintr. Typing became slow"),
            ("Title", "R.B.", "My fingers stiffened first in winter. Typing became slow."),
            False,
        ),
        (
            ("Title", "R.B.", "It happens everyday."),
            ("Title", "R.B.", "It happens every day."),
            False,
        ),
        # a name shortened to initials, or to its first name
        (("Title", "Maria Rossi", "Text."), ("Title", "M.R.", "Text."), False),
        (("Title", "Maria Rossi", "Text."), ("Title", "Maria R.", "Text."), False),
        (("Title", "Maria Rossi", "Text."), ("Title", "Maria", "Text."), False),
        # a different name
        (("Title", "Maria Rossi", "Text."), ("Title", "Anna Bianchi", "Text."), True),
        # words removed, added, or rewritten
        (
            ("Title", "R.B.", "I saw Dr Rossi at San Raffaele."),
            ("Title", "R.B.", "I saw a doctor."),
            True,
        ),
        (("Title", "R.B.", "It was hard."), ("Title", "R.B.", "It was very hard."), True),
        (("Title", "R.B.", "I was not afraid."), ("Title", "R.B.", "I was now afraid."), True),
        (("Title", "R.B.", "In 2018 it began."), ("Title", "R.B.", "In 2019 it began."), True),
        (("A cold winter", "R.B.", "Text."), ("A long winter", "R.B.", "Text."), True),
        # more small corrections than the threshold (5)
        (
            ("Title", "R.B.", "teh cat adn teh dog adn teh bird"),
            ("Title", "R.B.", "the cat and the dog and the bird"),
            True,
        ),
    ],
)
def test_which_edits_are_minor(app, before, after, substantive):
    with app.app_context():
        assert edit_check.compare(before, after).substantive is substantive


# ---- approve: minor edits publish, substantive ones go to the author ---------------------------


def test_minor_edits_publish_directly_and_the_review_page_says_so(
    app, client, default_diagnosis, moderator, auth, submit
):
    _token, story_id = _submitted(app, submit)
    auth.login()
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "Approving publishes directly" in page and "words are unchanged" in page
    fields = review_fields(client, story_id)
    fields["title"] = "Learning To Type Again"  # capitals
    fields["body"] = fields["body"].replace("stiffened", "stifened").replace("Typing", "typing")
    post_review(client, story_id, "save", fields)
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "Approving publishes directly" in page and "Only minor edits" in page
    response = post_review(client, story_id, "approve")
    assert response.status_code == 302
    assert _status(app, story_id) is StoryStatus.PUBLISHED
    assert events_of(app, story_id)[-1][:3] == ("approve", "pending", "published")


def test_substantive_edits_wait_for_the_author_who_accepts(
    app, client, default_diagnosis, moderator, auth, submit
):
    token, story_id = _submitted(app, submit)
    auth.login()
    fields = review_fields(client, story_id)
    fields["body"] = BODY_HTML_EDIT
    fields["title"] = "Typing again"
    post_review(client, story_id, "save", fields)
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    # The moderator sees the case before deciding.
    assert "Approving asks the author first" in page
    assert "words of the text are added, removed or rewritten" in page
    assert "the title is reworded" in page

    response = post_review(client, story_id, "approve", reason="I removed the link to a shop.")
    assert response.status_code == 302
    assert _status(app, story_id) is StoryStatus.AWAITING_AUTHOR
    assert events_of(app, story_id)[-1] == (
        "send_to_author", "pending", "awaiting_author", "I removed the link to a shop."
    )  # fmt: skip
    assert client.get(response.headers["Location"]).status_code == 200
    # Not public yet.
    author = app.test_client()  # the author, or a reader: not logged in
    assert author.get(f"/stories/{story_id}").status_code == 404
    # The author is told by e-mail (through the outbox) …
    mail = [m for m in outbox(app) if m.kind == "decision:send_to_author"]
    assert len(mail) == 1 and mail[0].to_address == "rb.patient@example.net"
    assert "please check it" in mail[0].subject

    # … and their private page asks "publish this version?" with the changes marked.
    manage = author.get(f"/my/{token}").get_data(as_text=True)
    assert "Publish this version?" in manage
    assert '<del><span class="visually-hidden">removed: </span>' in manage
    assert '<ins><span class="visually-hidden">added: </span>' in manage
    assert "I removed the link to a shop." in manage
    fields = form_fields(manage, f"/my/{token}/accept")
    response = author.post(f"/my/{token}/accept", data=fields)
    assert response.status_code == 302
    assert "this version is published" in author.get(f"/my/{token}").get_data(as_text=True)

    assert _status(app, story_id) is StoryStatus.PUBLISHED
    assert events_of(app, story_id)[-1][:3] == ("author_accept", "awaiting_author", "published")
    public = author.get(f"/stories/{story_id}", follow_redirects=True).get_data(as_text=True)
    assert "Now I use dictation and warm gloves." in public
    with app.app_context():
        story = db.session.get(Story, story_id)
        # The accepted version is now the author's: a later re-check compares with it.
        assert "Now I use dictation and warm gloves." in story.body_text
        assert story.agreed_title == "Typing again"
        assert not edit_check.check_edits(story).changed
        # Consents in force are tied to the accepted text, with the wording shown.
        rows = db.session.scalars(
            sa.select(Consent).filter_by(story_id=story_id).order_by(Consent.id)
        ).all()
        accepted = [r for r in rows if r.wording_version == "accept-2026-12"]
        assert {r.purpose for r in accepted} == set(ConsentPurpose)
        assert {r.text_version for r in accepted} == {edit_check_fingerprint(story)}


def edit_check_fingerprint(story: Story) -> str:
    from storyhub.services.consents import text_version

    return text_version(story)


def test_the_author_replies_instead_and_the_moderator_reads_it(
    app, client, default_diagnosis, moderator, auth, submit
):
    token, story_id = _submitted(app, submit)
    auth.login()
    post_review(client, story_id, "approve", body=BODY_HTML_EDIT)
    assert _status(app, story_id) is StoryStatus.AWAITING_AUTHOR
    author = app.test_client()  # the author, or a reader: not logged in

    manage = author.get(f"/my/{token}").get_data(as_text=True)
    fields = form_fields(manage, f"/my/{token}/reply")
    # An empty message is refused next to the field, nothing changes.
    empty = author.post(f"/my/{token}/reply", data={**fields, "message": "  "})
    assert empty.status_code == 400
    assert "Please write your message to the moderator." in empty.get_data(as_text=True)
    assert _status(app, story_id) is StoryStatus.AWAITING_AUTHOR

    words = "Please keep the link: it helps other people with stiff hands."
    response = author.post(f"/my/{token}/reply", data={**fields, "message": words})
    assert response.status_code == 302
    assert _status(app, story_id) is StoryStatus.PENDING
    assert events_of(app, story_id)[-1] == ("author_reply", "awaiting_author", "pending", words)

    queue = client.get("/moderate/").get_data(as_text=True)
    assert "Author replied to your edits" in queue
    review = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "The author replied to the edits" in review and words in review
    # Putting their words back: approving now publishes directly, and the reply is answered.
    with app.app_context():
        original_html = db.session.get(Story, story_id).body_text
    # The moderator's text field is plain text (issue 15): the author's words, as written.
    post_review(client, story_id, "approve", body=original_html)
    assert _status(app, story_id) is StoryStatus.PUBLISHED
    with app.app_context():
        assert db.session.get(Story, story_id).author_reply == ""
    # Never public.
    author = app.test_client()
    assert words not in author.get(f"/stories/{story_id}", follow_redirects=True).get_data(
        as_text=True
    )


def test_accepting_a_version_that_changed_meanwhile_is_refused(
    app, client, demo, moderator, auth, submit
):
    token, story_id = _submitted(app, submit)
    auth.login()
    post_review(client, story_id, "approve", body=BODY_HTML_EDIT)
    author = app.test_client()  # the author, or a reader: not logged in
    manage = author.get(f"/my/{token}").get_data(as_text=True)
    fields = form_fields(manage, f"/my/{token}/accept")
    stale = {**fields, "version": str(int(fields["version"]) - 1)}
    response = author.post(f"/my/{token}/accept", data=stale)
    assert response.status_code == 409
    assert "changed it again" in response.get_data(as_text=True)
    assert _status(app, story_id) is StoryStatus.AWAITING_AUTHOR
    # A story id that is not this link's is not found.
    assert author.post(f"/my/{token}/accept", data={**fields, "story_id": "1"}).status_code == 404
    # Without a CSRF token nothing happens.
    no_csrf = {k: v for k, v in fields.items() if k != "csrf_token"}
    assert author.post(f"/my/{token}/accept", data=no_csrf).status_code == 400
    assert _status(app, story_id) is StoryStatus.AWAITING_AUTHOR


def test_edits_to_a_published_story_go_to_its_author_unless_small(
    app, client, default_diagnosis, moderator, auth, submit
):
    token, story_id = _submitted(app, submit)
    auth.login()
    post_review(client, story_id, "approve")
    assert _status(app, story_id) is StoryStatus.PUBLISHED
    page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "Edits to a published story" in page
    # A typo fix stays live.
    fields = review_fields(client, story_id)
    fields["body"] = fields["body"].replace("stiffened", "stiffenned")
    post_review(client, story_id, "save", fields)
    assert _status(app, story_id) is StoryStatus.PUBLISHED
    # Rewriting takes it off the site until the author accepts.
    response = post_review(client, story_id, "save", body=BODY_HTML_EDIT)
    assert response.status_code == 302
    assert _status(app, story_id) is StoryStatus.AWAITING_AUTHOR
    assert events_of(app, story_id)[-1][:3] == ("send_to_author", "published", "awaiting_author")
    author = app.test_client()  # the author, or a reader: not logged in
    assert author.get(f"/stories/{story_id}").status_code == 404
    manage = author.get(f"/my/{token}").get_data(as_text=True)
    author.post(f"/my/{token}/accept", data=form_fields(manage, f"/my/{token}/accept"))
    assert _status(app, story_id) is StoryStatus.PUBLISHED


def test_bulk_approval_also_asks_the_author(
    app, client, default_diagnosis, moderator, auth, submit
):
    _token, story_id = _submitted(app, submit)
    auth.login()
    post_review(client, story_id, "save", body=BODY_HTML_EDIT)
    with app.app_context():
        version = db.session.get(Story, story_id).version
    queue = client.get("/moderate/").get_data(as_text=True)
    fields = form_fields(queue, "/moderate/bulk")
    fields.update(stories=[f"{story_id}:{version}"], bulk_action="approve")
    result = client.post("/moderate/bulk", data=fields)
    assert "now awaiting author" in result.get_data(as_text=True)
    assert _status(app, story_id) is StoryStatus.AWAITING_AUTHOR
    awaiting = client.get("/moderate/?state=awaiting_author").get_data(as_text=True)
    assert TITLE in awaiting


def test_the_author_can_withdraw_instead_of_answering(
    app, client, default_diagnosis, moderator, auth, submit
):
    token, story_id = _submitted(app, submit)
    auth.login()
    post_review(client, story_id, "approve", body=BODY_HTML_EDIT)
    author = app.test_client()  # the author, or a reader: not logged in
    page = author.get(f"/my/{token}/withdraw").get_data(as_text=True)
    author.post(f"/my/{token}/withdraw", data=form_fields(page, f"/my/{token}/withdraw"))
    assert _status(app, story_id) is StoryStatus.WITHDRAWN
    with app.app_context():
        publish = db.session.scalar(
            sa.select(Consent).filter_by(story_id=story_id, purpose=ConsentPurpose.PUBLISH)
        )
        assert publish.withdrawn_at is not None
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) >= 1
