"""Translations: submitted for published stories only, moderated on their own, flagged when
their original changes afterwards."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.services.translations import may_be_out_of_date
from tests.plugins.forms import manage_token
from tests.plugins.submission import decide, post_form, story_id

ORIGINAL = "Learning to live with winter"  # a published English demo story
PENDING = "A patch on my side that turned out to have a name"  # a pending demo story
TRANSLATION_TITLE = "Imparare a vivere con l’inverno"
TRANSLATION_BODY = (
    "Il primo inverno dopo la diagnosi ho pensato che non sarei più uscita di casa. "
    "Le dita diventavano bianche alla fermata dell'autobus e poi blu.\n\n"
    "Adesso porto sempre con me gli scaldamani e aspetto l'autobus dentro il panificio."
)


def _translate(client, sid, **overrides):
    data = {
        "language": "it",
        "title": TRANSLATION_TITLE,
        "body": TRANSLATION_BODY,
        "email": "volunteer@example.net",
        "consent_publish": "y",
        "website": "",
    }
    data.update(overrides)
    return post_form(client, f"/stories/{sid}/translate", **data)


def test_translate_page_for_published_stories_only(app, client, demo):
    sid = story_id(app, ORIGINAL)
    page = client.get(f"/stories/{sid}/translate")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for name in ("language", "title", "body", "translator_name", "email", "consent_publish"):
        assert f'name="{name}"' in html
    assert 'name="author_name"' not in html  # the byline is the original's
    assert "The original (English)" in html
    assert "Growing up in Leeds" in html  # the text to translate from
    assert "original author's name, Sarah" in html
    assert client.get(f"/stories/{story_id(app, PENDING)}/translate").status_code == 404
    assert client.get("/stories/999999/translate").status_code == 404
    assert client.post("/stories/999999/translate", data={}).status_code == 404


def test_translation_is_pending_and_public_only_after_its_own_approval(
    app, client, demo, moderator, auth
):
    sid = story_id(app, ORIGINAL)
    response = _translate(client, sid)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert "your translation has arrived" in html
    token = manage_token(html)
    with app.app_context():
        translation = db.session.scalar(sa.select(Story).filter_by(title=TRANSLATION_TITLE))
        assert translation.status is StoryStatus.PENDING
        assert translation.translation_of_id == sid
        assert translation.language == "it"
        assert translation.country == db.session.get(Story, sid).country
        tid = translation.id
    assert client.get(f"/stories/{tid}").status_code == 404
    story_page = client.get(f"/stories/{sid}", follow_redirects=True).get_data(as_text=True)
    assert TRANSLATION_TITLE not in story_page and f"/stories/{tid}" not in story_page

    # The translator follows it with their own manage link.
    assert "Your translation" in client.get(f"/my/{token}").get_data(as_text=True)

    auth.login()
    queue = client.get("/moderate/").get_data(as_text=True)
    assert TRANSLATION_TITLE in queue and "translation" in queue
    decide(app, tid, "approve")
    client.post("/logout")
    story_page = client.get(f"/stories/{sid}", follow_redirects=True).get_data(as_text=True)
    assert f"/stories/{tid}-" in story_page  # the switcher links the translation
    translated = client.get(f"/stories/{tid}", follow_redirects=True).get_data(as_text=True)
    assert TRANSLATION_TITLE in translated


def test_translation_must_be_in_another_language_and_keeps_the_text(app, client, demo):
    sid = story_id(app, ORIGINAL)
    response = _translate(client, sid, language="en", title="Same", body="x" * 30)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already in this language" in html
    assert "x" * 30 in html
    missing = _translate(client, sid, consent_publish="", title="")
    assert missing.status_code == 400
    assert "Please give the translation a title." in missing.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(Story).filter_by(translation_of_id=sid, title="Same"))
            is None
        )


def test_translation_of_a_translation_starts_from_the_original(app, client, demo):
    with app.app_context():
        translation = db.session.scalar(
            sa.select(Story).filter_by(title="The little stones under my skin")
        )
        tid, original_id = translation.id, translation.translation_of_id
    response = client.get(f"/stories/{tid}/translate")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/stories/{original_id}/translate")


def test_double_posted_translation_makes_one(app, client, demo):
    sid = story_id(app, ORIGINAL)
    from tests.plugins.submission import form_fields

    fields = form_fields(client.get(f"/stories/{sid}/translate").get_data(as_text=True))
    data = {
        **fields,
        "language": "it",
        "title": TRANSLATION_TITLE,
        "body": TRANSLATION_BODY,
        "author_name": "Sarah",
        "consent_publish": "y",
    }
    first = client.post(f"/stories/{sid}/translate", data=data).get_data(as_text=True)
    second = client.post(f"/stories/{sid}/translate", data=data).get_data(as_text=True)
    assert manage_token(first) == manage_token(second)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).where(Story.translation_of_id == sid))
    assert count == 1


def _change_original(app, sid, body_html):
    """A moderator corrects the published original (unpublish with edits, then republish);
    the edits change the author's words, so the author accepts them (issue G)."""
    from storyhub.services.author_changes import accept_edits

    decide(app, sid, "unpublish", reason="Correcting a date", body_html=body_html)
    decide(app, sid, "republish")
    with app.app_context():
        story = db.session.get(Story, sid)
        assert story.status is StoryStatus.AWAITING_AUTHOR
        accept_edits(story, story.version)


def test_translation_is_flagged_when_its_original_changes(app, client, demo, moderator, auth):
    sid = story_id(app, ORIGINAL)
    _translate(client, sid)
    tid = story_id(app, TRANSLATION_TITLE)
    with app.app_context():
        assert not may_be_out_of_date(db.session.get(Story, tid))

    # Changed while the translation waits: the queue says so.
    _change_original(app, sid, "<p>The first winter after my diagnosis (in 2019) was hard.</p>")
    auth.login()
    assert "May be out of date" in client.get("/moderate/").get_data(as_text=True)

    # Approving means the moderator checked it against the text as it is now.
    decide(app, tid, "approve")
    with app.app_context():
        assert not may_be_out_of_date(db.session.get(Story, tid))
    assert "May be out of date" not in client.get(f"/moderate/stories/{tid}").get_data(as_text=True)

    # The original changes after approval: the translation is flagged for moderators.
    _change_original(app, sid, "<p>The first winter after my diagnosis (in 2018) was hard.</p>")
    with app.app_context():
        assert may_be_out_of_date(db.session.get(Story, tid))
    review = client.get(f"/moderate/stories/{tid}").get_data(as_text=True)
    assert "May be out of date" in review
    # Readers are not told: the flag is for moderators.
    client.post("/logout")
    public = client.get(f"/stories/{tid}", follow_redirects=True).get_data(as_text=True)
    assert "out of date" not in public


def test_hostile_values_in_the_translation_and_edit_forms_never_cause_server_errors(
    app, client, demo, submit
):
    from tests.plugins.forms import csrf_token
    from tests.plugins.submission import submitted_token
    from tests.system.test_hostile_input import HOSTILE

    sid = story_id(app, ORIGINAL)
    token = submitted_token(submit)
    translate_token = csrf_token(client.get(f"/stories/{sid}/translate").get_data(as_text=True))
    valid = {
        "language": "it",
        "language_other": "",
        "title": "Titolo",
        "body": TRANSLATION_BODY,
        "translator_name": "Anna",
        "consent_publish": "y",
        "version": "1",
        "submission_key": "",
        "confirm_language": "",
    }
    for field in valid:
        for value in [*HOSTILE, "x" * 200_000]:
            data = {**valid, field: value, "csrf_token": translate_token}
            response = client.post(f"/stories/{sid}/translate", data=data)
            assert response.status_code < 500, (field, value[:20], response.status_code)
            edit = {**data, "country": "IT", "relation": "self", "diagnoses": "morphea"}
            response = client.post(f"/my/{token}/edit", data=edit)
            assert response.status_code < 500, (field, value[:20], response.status_code)
