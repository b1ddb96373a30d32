"""Hostile or malformed input anywhere gets a 4xx or a refilled form, never a 5xx."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story
from tests.plugins.forms import csrf_token, story_form_data

HOSTILE = [
    "\x00",
    "%00",
    "%ED%A0%80",  # an encoded lone surrogate
    "' OR 1=1 --",
    "-1",
    "99999999999999999999",
    "\u202e\u200b",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "../../etc/passwd",
]
QUERY_URLS = [
    "/stories/?page=",
    "/stories/?country=",
    "/stories/?language=",
    "/stories/?diagnosis=",
    "/?lang=",
    "/topics/",
    "/diagnoses/",
    "/languages/",
    "/my/",
    "/stories/",
]
FORM_FIELDS = [
    "author_name", "relation", "relation_detail", "email", "country", "language",
    "diagnoses", "title", "body", "consent_publish", "website", "submission_key",
]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE)
def test_public_urls_answer_without_server_error(client, demo, value):
    for url in QUERY_URLS:
        response = client.get(url + value)
        assert response.status_code < 500, (url, value, response.status_code)


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_story_form_fields_never_cause_server_error(app, client, demo, field):
    token = csrf_token(client.get("/submit").get_data(as_text=True))
    for value in [*HOSTILE, "x" * 1_000_000]:
        for sent in (value, [value, value]):
            data = story_form_data(csrf_token=token, **{field: sent})
            response = client.post("/submit", data=data)
            assert response.status_code < 500, (field, value[:20], response.status_code)
            if response.status_code >= 400:
                assert "Learning to type again" in response.get_data(as_text=True) or (
                    field == "title"
                )
    with app.app_context():
        bodies = db.session.scalars(sa.select(Story.body_text)).all()
        assert not any("\x00" in body for body in bodies)
