"""Abuse without CAPTCHAs: per-IP limits on every submitter POST answer 429 with the form
refilled; the honeypot refuses robots; submitters' links are nofollow ugc."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story
from tests.plugins.forms import csrf_token, hidden_value, manage_token, story_form_data
from tests.plugins.submission import form_fields

LIMITS = pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    SUBMIT_RATE_LIMIT="100 per minute",
    MANAGE_RATE_LIMIT="1 per minute",
    TRANSLATE_RATE_LIMIT="1 per minute",
)


@pytest.fixture
def limited_app(app, demo, rate_limit_storage):  # type: ignore[no-untyped-def]
    """The app with the manage and translate forms limited to one POST a minute, on each
    limiter storage."""
    return app


@LIMITS
def test_manage_forms_are_rate_limited_and_keep_the_text(limited_app):
    client = limited_app.test_client()
    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(
        csrf_token=csrf_token(page), submission_key=hidden_value(page, "submission_key")
    )
    token = manage_token(client.post("/submit", data=data).get_data(as_text=True))
    fields = form_fields(client.get(f"/my/{token}/edit").get_data(as_text=True))
    edit = {
        **fields,
        "author_name": "R.B.",
        "relation": "self",
        "country": "IT",
        "language": "en",
        "diagnoses": ["limited-cutaneous-ssc"],
        "title": "Learning to type again",
    }
    first = client.post(f"/my/{token}/edit", data={**edit, "body": "too short"})
    assert first.status_code == 400  # counted, refused by validation
    body = "The second try at my edit, with every word kept safe in the form."
    response = client.post(f"/my/{token}/edit", data={**edit, "body": body})
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Nothing is lost" in html and body in html and "Save changes" in html
    # Reading is never limited.
    assert client.get(f"/my/{token}").status_code == 200


@LIMITS
def test_translate_form_is_rate_limited_and_keeps_the_text(limited_app):
    client = limited_app.test_client()
    with limited_app.app_context():
        sid = db.session.scalar(sa.select(Story.id).filter_by(title="Learning to live with winter"))
    url = f"/stories/{sid}/translate"
    fields = form_fields(client.get(url).get_data(as_text=True))
    data = {**fields, "language": "it", "title": "Titolo", "author_name": "Sarah"}
    assert client.post(url, data={**data, "body": "corto"}).status_code == 400
    body = "Il primo inverno dopo la diagnosi: ogni parola resta nel modulo."
    response = client.post(url, data={**data, "body": body, "consent_publish": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Nothing is lost" in html and body in html and "Send translation" in html


def test_honeypot_and_nofollow(app, client, default_diagnosis, submit):
    assert submit(website="http://spam.example").status_code == 400
    submit(body="My list of tips is at https://example.org/tips and it helps me a lot.")
    with app.app_context():
        html = db.session.scalar(sa.select(Story.body_html).order_by(Story.id.desc()).limit(1))
    assert 'rel="nofollow ugc noopener"' in html
