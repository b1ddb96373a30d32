"""Small things a patient met on the way (issue 19, item 7)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, User
from storyhub.services import moderation
from tests.plugins.forms import csrf_token, hidden_value, manage_token, story_form_data
from tests.routes.submit.test_form import ENGLISH_BODY


@pytest.mark.app_config(RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="1 per minute")
def test_answering_a_question_the_form_asked_is_the_same_submission(client, demo):
    page = client.get("/submit").get_data(as_text=True)
    first_press = story_form_data(
        csrf_token=csrf_token(page),
        submission_key=hidden_value(page, "submission_key"),
        language="it",
        body=ENGLISH_BODY,
    )
    asked = client.post("/submit", data=first_press)  # counted: the one allowed this minute
    assert asked.status_code == 200
    assert 'name="confirm_language"' in asked.get_data(as_text=True)

    # Another submission now is over the limit, even one claiming to answer a question...
    other = client.get("/submit").get_data(as_text=True)
    fresh = story_form_data(
        csrf_token=csrf_token(other),
        submission_key=hidden_value(other, "submission_key"),
        title="A second story",
        confirm_language="y",
    )
    assert client.post("/submit", data=fresh).status_code == 429

    # ...but the answer to the question asked about the first one goes through.
    answered = client.post("/submit", data={**first_press, "confirm_language": "y"})
    assert answered.status_code == 200
    assert "your story has arrived" in answered.get_data(as_text=True)


def _choices_text(client, token: str) -> str:  # type: ignore[no-untyped-def]
    html = client.get(f"/my/{token}").get_data(as_text=True)
    section = html.split('id="choices-h"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_the_consent_list_says_the_choice_apart_from_where_the_story_stands(
    app, client, default_diagnosis, submit, moderator
):
    token = manage_token(submit().get_data(as_text=True))
    waiting = _choices_text(client, token)
    assert "You agree to publication on this site: yes" in waiting
    assert "Where it stands: not on the site yet" in waiting
    assert "Published on this site" not in waiting
    assert "To stop it from being published, use “Withdraw” above." in waiting

    with app.app_context():
        story = db.session.scalar(sa.select(Story).order_by(Story.id.desc()))
        actor = db.session.get(User, moderator.id)
        moderation.decide(story, "reject", actor, story.version, reason="Not about the condition.")
    rejected = _choices_text(client, token)
    assert "Where it stands: not on the site: a moderator decided not to publish it." in rejected
    assert "Withdraw" not in rejected  # a rejected story has no Withdraw button to point to
