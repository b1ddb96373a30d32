"""Small things a patient met on the way (issue 19, item 7)."""

from __future__ import annotations

import uuid

from storyhub import create_app
from storyhub.extensions import db
from storyhub.services.demo import load_demo
from tests.conftest import csrf_token, hidden_value, story_form_data
from tests.test_submission_form import ENGLISH_BODY


def test_answering_a_question_the_form_asked_is_the_same_submission(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
            "SUBMIT_RATE_LIMIT": "1 per minute",
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    with app.app_context():
        db.create_all()
        load_demo()
    client = app.test_client()
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
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
