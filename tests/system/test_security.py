"""Cookies, CSRF on every POST, and production-only headers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD, csrf_token, story_form_data


def test_production_cookies_are_secure_and_hsts_is_sent(monkeypatch, database_url, moderator):
    monkeypatch.setenv("STORYHUB_CONFIG", "production")
    app = create_app(
        {
            "SECRET_KEY": "p" * 40,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_URL": "https://storyhub.example",
        }
    )
    client = app.test_client()
    page = client.get("/login", base_url="https://storyhub.example")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with app.app_context():
        db.engine.dispose()


def test_development_session_cookie_is_httponly_and_lax(client, moderator, auth):
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_every_post_without_a_valid_csrf_token_changes_nothing(app, client, demo, moderator,
                                                                token):  # fmt: skip
    def with_token(data: dict) -> dict:
        return data if token is None else {**data, "csrf_token": token}

    login = client.post("/login", data=with_token(
        {"email": MODERATOR_EMAIL, "password": MODERATOR_PASSWORD}))  # fmt: skip
    assert login.status_code == 400
    assert client.get("/moderate/").status_code == 302  # still logged out

    submit = client.post("/submit", data=with_token(story_form_data(title="CSRF probe")))
    assert submit.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Story.id).filter_by(title="CSRF probe")) is None

    real = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": MODERATOR_EMAIL, "password": MODERATOR_PASSWORD,
                                "csrf_token": real})  # fmt: skip
    with app.app_context():
        pending = db.session.scalar(sa.select(Story).filter_by(status=StoryStatus.PENDING))
        story_id, version = pending.id, pending.version
    decision = client.post(f"/moderate/stories/{story_id}", data=with_token({
        "action": "reject", "reason": "probe", "title": "t", "body": "<p>b</p>",
        "version": str(version)}))  # fmt: skip
    assert decision.status_code == 400
    with app.app_context():
        assert db.session.get(Story, story_id).status is StoryStatus.PENDING

    client.post("/logout", data=with_token({}))
    assert client.get("/moderate/").status_code == 200  # still logged in
