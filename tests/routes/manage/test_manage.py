"""The private manage link: status, edit, withdraw, add an update, erase."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, OutboxMessage, Story, StoryStatus, Submitter
from tests.plugins.submission import decide, post_form, story_id, submitted_token

TITLE = "Learning to type again"
NEW_BODY = (
    "My fingers stiffened first in winter, and then in spring too.\n\n"
    "I changed the story after the moderator's message: now it says which gloves help."
)


def _events(app, sid):
    with app.app_context():
        return [
            (e.action, e.from_status, e.to_status, e.actor_id)
            for e in db.session.scalars(
                sa.select(ModerationEvent).filter_by(story_id=sid).order_by(ModerationEvent.id)
            )
        ]


def _story(app, sid) -> Story:
    with app.app_context():
        story = db.session.get(Story, sid)
        db.session.expunge(story)
        return story


def test_manage_page_shows_status_actions_and_stays_private(client, default_diagnosis, submit):
    token = submitted_token(submit)
    response = client.get(f"/my/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Waiting for a moderator" in html
    assert f"/my/{token}/edit" in html and f"/my/{token}/withdraw" in html
    assert f"/my/{token}/erase" in html
    assert f"/my/{token}/update" not in html  # only once published
    assert "rb.patient@example.net" not in html
    assert client.get("/my/nope/edit").status_code == 404
    assert client.get(f"/my/{'x' * 200}").status_code == 404


def test_edit_while_pending_keeps_it_pending_and_records_the_event(app, client, demo, submit):
    token = submitted_token(submit)
    sid = story_id(app, TITLE)
    edit_page = client.get(f"/my/{token}/edit").get_data(as_text=True)
    assert "My fingers stiffened first in winter." in edit_page  # prefilled with the text
    response = post_form(
        client,
        f"/my/{token}/edit",
        author_name="R.B.",
        relation="self",
        relation_detail="",
        country="IT",
        language="en",
        diagnoses=["limited-cutaneous-ssc", "raynauds-phenomenon"],
        title="Learning to type again, slowly",
        body=NEW_BODY,
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your changes are saved." in page
    assert 'data-clear-draft="edit-' in page  # the browser's draft of the edit is dropped
    story = _story(app, sid)
    assert story.title == "Learning to type again, slowly"
    assert story.status is StoryStatus.PENDING
    assert "which gloves help" in story.body_html
    assert _events(app, sid)[-1] == ("edit", "pending", "pending", None)


def test_edit_after_changes_requested_goes_back_to_the_queue(
    app, client, default_diagnosis, moderator, auth, submit
):
    token = submitted_token(submit)
    sid = story_id(app, TITLE)
    decide(app, sid, "request_changes", reason="Please say which gloves help.")
    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert "A moderator asked for changes" in page
    assert "Please say which gloves help." in page
    edit_page = client.get(f"/my/{token}/edit").get_data(as_text=True)
    assert "Please say which gloves help." in edit_page
    response = post_form(
        client,
        f"/my/{token}/edit",
        author_name="R.B.",
        relation="self",
        country="IT",
        language="en",
        diagnoses=["limited-cutaneous-ssc"],
        title=TITLE,
        body=NEW_BODY,
    )
    assert response.status_code == 302
    assert _story(app, sid).status is StoryStatus.PENDING
    assert _events(app, sid)[-1] == ("resubmit", "changes_requested", "pending", None)
    auth.login()
    queue = client.get("/moderate/").get_data(as_text=True)
    assert TITLE in queue


def test_edit_with_a_stale_version_keeps_the_text(
    app, client, default_diagnosis, moderator, submit
):
    token = submitted_token(submit)
    sid = story_id(app, TITLE)
    page = client.get(f"/my/{token}/edit").get_data(as_text=True)
    from tests.plugins.submission import form_fields

    fields = form_fields(page)
    decide(app, sid, "request_changes", reason="Shorter, please.")  # meanwhile
    data = {
        **fields,
        "author_name": "R.B.",
        "relation": "self",
        "country": "IT",
        "language": "en",
        "diagnoses": ["limited-cutaneous-ssc"],
        "title": TITLE,
        "body": NEW_BODY,
    }
    response = client.post(f"/my/{token}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Your story changed while this page was open" in html
    assert "which gloves help" in html  # nothing lost
    assert _story(app, sid).body_text != NEW_BODY
    # The refilled form carries the current version: saving again now works.
    from tests.plugins.submission import form_fields as again

    data.update(again(html))
    assert client.post(f"/my/{token}/edit", data=data).status_code == 302
    assert _story(app, sid).body_text == NEW_BODY


def test_published_story_cannot_be_edited_but_gets_updates(app, client, demo, moderator, submit):
    token = submitted_token(submit)
    sid = story_id(app, TITLE)
    decide(app, sid, "approve")
    response = client.get(f"/my/{token}/edit")
    assert response.status_code == 302
    assert "no longer be changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert f"/my/{token}/update" in page and f"/my/{token}/edit" not in page

    update_body = "Six months later my hands are warmer: the new medicine helps a lot."
    response = post_form(client, f"/my/{token}/update", title="Six months on", body=update_body)
    assert response.status_code == 302
    manage = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your update has arrived" in manage
    assert "(Update) Six months on" in manage
    with app.app_context():
        update = db.session.scalar(sa.select(Story).filter_by(update_of_id=sid))
        assert update.title == "(Update) Six months on"
        assert update.status is StoryStatus.PENDING
        assert update.submitter_id == db.session.get(Story, sid).submitter_id
        update_id = update.id
    story_page = client.get(f"/stories/{sid}", follow_redirects=True).get_data(as_text=True)
    assert "Six months on" not in story_page  # moderated first

    decide(app, update_id, "approve")
    story_page = client.get(f"/stories/{sid}", follow_redirects=True).get_data(as_text=True)
    assert "(Update) Six months on" in story_page
    assert f'id="update-{update_id}"' in story_page
    assert "the new medicine helps" in story_page
    assert "<time" in story_page.split(f'id="update-{update_id}"')[1]  # dated


def test_double_posted_update_makes_one(app, client, default_diagnosis, moderator, submit):
    token = submitted_token(submit)
    sid = story_id(app, TITLE)
    decide(app, sid, "approve")
    from tests.plugins.submission import form_fields

    fields = form_fields(client.get(f"/my/{token}/update").get_data(as_text=True))
    data = {**fields, "title": "Later", "body": "A short update, written twice by accident."}
    assert client.post(f"/my/{token}/update", data=data).status_code == 302
    assert client.post(f"/my/{token}/update", data=data).status_code == 302
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).where(Story.update_of_id == sid))
    assert count == 1


def test_withdraw_needs_confirmation_and_hides_the_story(
    app, client, default_diagnosis, moderator, submit
):
    token = submitted_token(submit)
    sid = story_id(app, TITLE)
    decide(app, sid, "approve")
    assert client.get(f"/stories/{sid}", follow_redirects=True).status_code == 200
    confirm = client.get(f"/my/{token}/withdraw").get_data(as_text=True)
    assert "Withdraw my story" in confirm and "Keep it" in confirm
    assert _story(app, sid).status is StoryStatus.PUBLISHED  # GET changes nothing
    assert client.post(f"/my/{token}/withdraw", data={}).status_code == 400  # no CSRF token
    response = post_form(client, f"/my/{token}/withdraw")
    assert response.status_code == 302
    assert _story(app, sid).status is StoryStatus.WITHDRAWN
    assert _events(app, sid)[-1] == ("withdraw", "published", "withdrawn", None)
    assert client.get(f"/stories/{sid}").status_code == 404
    assert "Withdrawn by you" in client.get(f"/my/{token}").get_data(as_text=True)


def test_erasure_needs_confirmation_then_wipes_everything(
    app, client, default_diagnosis, moderator, submit
):
    token = submitted_token(submit, email="erase.me@example.net")
    sid = story_id(app, TITLE)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1
    page = client.get(f"/my/{token}/erase").get_data(as_text=True)
    assert "cannot" in page.lower() or "Nobody can bring it back" in page
    refused = post_form(client, f"/my/{token}/erase")  # box not ticked
    assert refused.status_code == 400
    assert "Please tick the box to confirm." in refused.get_data(as_text=True)
    assert _story(app, sid).status is StoryStatus.PENDING

    response = post_form(client, f"/my/{token}/erase", confirm="y")
    assert response.status_code == 302
    story = _story(app, sid)
    assert story.status is StoryStatus.ERASED
    assert story.title == story.body_text == story.author_name == ""
    with app.app_context():
        assert db.session.get(Submitter, story.submitter_id).email is None
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
        reason = db.session.scalar(
            sa.select(ModerationEvent.reason).filter_by(story_id=sid, action="erase")
        )
    assert reason == "requested by the author"
    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert "Erased" in page and "Learning to type" not in page


def test_expired_csrf_on_edit_keeps_the_text(app, client, default_diagnosis, submit):
    token = submitted_token(submit)
    response = client.post(
        f"/my/{token}/edit",
        data={
            "csrf_token": "expired",
            "version": "1",
            "author_name": "R.B.",
            "relation": "self",
            "country": "IT",
            "language": "en",
            "diagnoses": ["limited-cutaneous-ssc"],
            "title": TITLE,
            "body": NEW_BODY,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing is lost" in html and "which gloves help" in html
    assert "Save changes" in html


def test_server_error_while_saving_an_edit_keeps_the_text(app, client, default_diagnosis, submit):
    token = submitted_token(submit)
    from tests.plugins.submission import form_fields

    fields = form_fields(client.get(f"/my/{token}/edit").get_data(as_text=True))
    with app.app_context():  # a real failure: the audit table is gone
        db.session.execute(sa.text("DROP TABLE moderation_events"))
        db.session.commit()
    response = client.post(
        f"/my/{token}/edit",
        data={
            **fields,
            "author_name": "R.B.",
            "relation": "self",
            "country": "IT",
            "language": "en",
            "diagnoses": ["limited-cutaneous-ssc"],
            "title": TITLE,
            "body": NEW_BODY,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code in (500, 503)
    assert "Nothing is lost" in html and "which gloves help" in html
