"""A rate-limited story POST answers 429 with the story still in the form."""

from __future__ import annotations

import os
import uuid

import pytest

from storyhub import create_app
from storyhub.extensions import db
from tests.plugins.forms import csrf_token, hidden_value, story_form_data

# `make test` sets STORYHUB_TEST_REDIS_URL, so the Redis-backed limiter is tested too.
STORAGES = ["memory://"]
if os.environ.get("STORYHUB_TEST_REDIS_URL"):
    STORAGES.append(os.environ["STORYHUB_TEST_REDIS_URL"])


@pytest.mark.parametrize("storage", STORAGES)
def test_rate_limited_submission_keeps_the_story(database_url, tmp_path, storage):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,  # tests never share counters
            "SUBMIT_RATE_LIMIT": "1 per minute",
        }
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(csrf_token=csrf_token(page), diagnoses=[], title="First")
    assert client.post("/submit", data=data).status_code == 400  # counted, refused by validation

    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(
        csrf_token=csrf_token(page),
        submission_key=hidden_value(page, "submission_key"),
        body="The second attempt, with every word kept safe in the form.",
    )
    response = client.post("/submit", data=data)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Nothing is lost" in html
    assert "The second attempt, with every word kept safe in the form." in html
    assert 'value="R.B."' in html
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
