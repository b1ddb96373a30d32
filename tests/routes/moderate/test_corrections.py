"""Moderators correct what the author chose by mistake (language, country, relation,
diagnoses): each correction is a revision with its reason, minor by the edit rules, shown to
the author on their private page; the language flag and the author's language question each
offer a one-click correction."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryRevision, StoryStatus
from tests.plugins.forms import manage_token
from tests.plugins.submission import decide
from tests.plugins.workbench import form_fields as page_form
from tests.plugins.workbench import post_review

TITLE = "Learning to type again"
ENGLISH_BODY = (
    "My fingers stiffened first in winter. Typing became slow and painful, and I started "
    "to dictate my messages instead. Now I use warm gloves and take breaks every hour."
)


def _story(app) -> Story:
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title=TITLE))
        db.session.expunge(story)
        return story


def _mislabelled(submit) -> str:
    """An English story sent as Italian, the author having confirmed the choice."""
    response = submit(language="it", body=ENGLISH_BODY, confirm_language="y")
    assert response.status_code == 200
    return manage_token(response.get_data(as_text=True))


def test_a_correction_is_a_revision_with_its_reason_shown_to_the_author(
    app, client, demo, moderator, auth, submit
):
    token = _mislabelled(submit)
    sid = _story(app).id
    auth.login()
    review = client.get(f"/moderate/stories/{sid}").get_data(as_text=True)
    assert "Correct what the author chose" in review
    fields = page_form(review, f"/moderate/stories/{sid}")
    assert (fields["language"], fields["country"], fields["relation"]) == ("it", "IT", "self")

    response = post_review(
        client,
        sid,
        "save",
        fields,
        country="GB",
        relation="family",
        diagnoses=["limited-cutaneous-ssc", "raynauds-phenomenon"],
        correction_reason="She wrote about her mother, in Leeds.",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    story = _story(app)
    assert (story.country, story.relation.value) == ("GB", "family")
    assert story.status is StoryStatus.PENDING  # corrections alone decide nothing
    with app.app_context():
        revision = db.session.scalars(
            sa.select(StoryRevision).filter_by(story_id=sid).order_by(StoryRevision.id.desc())
        ).first()
        assert set(revision.changed_fields) == {"country", "relation", "diagnoses"}
        assert revision.reason == "She wrote about her mother, in Leeds."
    review = client.get(f"/moderate/stories/{sid}").get_data(as_text=True)
    assert "changed diagnoses, country, relation" in review or "country" in review
    client.post("/logout")

    mine = client.get(f"/my/{token}").get_data(as_text=True)
    assert "Corrections by the moderators" in mine
    assert "Italy → United Kingdom" in mine
    assert "Written by the patient → Written by a family member" in mine
    assert "Raynaud" in mine
    assert "She wrote about her mother, in Leeds." in mine


def test_corrections_are_minor_a_published_story_stays_published(
    app, client, default_diagnosis, moderator, auth, submit
):
    _mislabelled(submit)
    sid = _story(app).id
    decide(app, sid, "approve")
    assert _story(app).status is StoryStatus.PUBLISHED
    auth.login()
    response = post_review(client, sid, "save", language="en", relation="caregiver")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    story = _story(app)
    assert story.status is StoryStatus.PUBLISHED  # no new consent asked of the author
    assert (story.language, story.relation.value, story.detected_language) == (
        "en",
        "caregiver",
        None,
    )
    page = client.get(f"/stories/{sid}", follow_redirects=True).get_data(as_text=True)
    assert "Written by a caregiver" in page


def test_the_language_flag_corrects_in_one_click(
    app, client, default_diagnosis, moderator, auth, submit
):
    token = _mislabelled(submit)
    sid = _story(app).id
    auth.login()
    review = client.get(f"/moderate/stories/{sid}").get_data(as_text=True)
    assert "reads like English" in review
    assert "Correct the language to English" in review
    one_click = page_form(review, f"/moderate/stories/{sid}/language")
    assert set(one_click) == {"csrf_token", "version"}
    response = client.post(f"/moderate/stories/{sid}/language", data=one_click)
    assert response.status_code == 302
    story = _story(app)
    assert (story.language, story.detected_language) == ("en", None)
    review = client.get(f"/moderate/stories/{sid}").get_data(as_text=True)
    assert "Language corrected to English" in review
    assert "reads like English" not in review  # the flag is settled

    # A second click with the old version is refused, not applied twice.
    again = client.post(f"/moderate/stories/{sid}/language", data=one_click)
    assert again.status_code in (400, 409)
    client.post("/logout")
    mine = client.get(f"/my/{token}").get_data(as_text=True)
    assert "Italian → English" in mine
    assert "The text is written in English." in mine


def test_the_author_switches_to_the_detected_language_in_one_click(
    app, client, default_diagnosis, submit
):
    token = _mislabelled(submit)
    mine = client.get(f"/my/{token}").get_data(as_text=True)
    assert "reads like english" in mine.lower()
    response = client.post(f"/my/{token}/language", data=page_form(mine, f"/my/{token}/language"))
    assert response.status_code == 302
    story = _story(app)
    assert (story.language, story.detected_language) == ("en", None)
    with app.app_context():
        actions = [e.action for e in db.session.scalars(sa.select(ModerationEvent))]
    assert "switch_language" in actions
    assert "Switch to" not in client.get(f"/my/{token}").get_data(as_text=True)


def test_the_language_question_on_the_form_answers_in_one_click(
    app, client, default_diagnosis, submit
):
    asked = submit(language="it", body=ENGLISH_BODY).get_data(as_text=True)
    assert 'name="switch_language" value="en"' in asked
    assert "it is in english: send it as english" in asked.lower()
    response = submit(language="it", body=ENGLISH_BODY, switch_language="en")
    assert "your story has arrived" in response.get_data(as_text=True)
    story = _story(app)
    assert (story.language, story.detected_language) == ("en", None)


def test_bad_corrections_are_refused_next_to_the_field(
    app, client, default_diagnosis, moderator, auth, submit
):
    _mislabelled(submit)
    sid = _story(app).id
    auth.login()
    for name, value, message in (
        ("language", "not a tag!", "Choose a language from the list."),
        ("country", "ZZ", "Choose a country from the list."),
        ("relation", "boss", "Choose who wrote it from the list."),
    ):
        response = post_review(client, sid, "save", **{name: value})
        assert response.status_code == 400, name
        html = response.get_data(as_text=True)
        assert f'id="{name}-error"' in html and message in html, name
        assert ENGLISH_BODY in html  # the form comes back filled in
    assert _story(app).country == "IT"
