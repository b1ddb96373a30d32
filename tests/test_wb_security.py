"""Workbench 7b: login rate-limited per account and per address, hashed passwords, cookie
flags, CSRF on every moderation and admin POST, changing one's own password."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import Helpline, ModerationEvent, RejectReason, Story, Topic, User, UserRole
from storyhub.services import accounts
from tests.conftest import MODERATOR_EMAIL, MODERATOR_PASSWORD, csrf_token
from tests.workbench import ADMIN_EMAIL, PASSWORD, login_as, make_user


@pytest.fixture
def limited_app(database_url):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
            "LOGIN_RATE_LIMIT": "6 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
        }
    )
    with app.app_context():
        db.create_all()
        for email in ("a@example.org", "b@example.org"):
            accounts.create_user(email, MODERATOR_PASSWORD, UserRole.MODERATOR)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _attempt(app, email, password, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_login_is_limited_per_account_from_any_address(limited_app):
    for n in range(3):
        assert _attempt(limited_app, "a@example.org", "wrong", f"10.0.0.{n}").status_code == 400
    # The fourth try on that account is refused, from yet another address, right password too.
    blocked = _attempt(limited_app, "A@Example.org", MODERATOR_PASSWORD, "10.0.0.9")
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many login attempts" in html and 'value="A@Example.org"' in html
    # Another account from the same address is not affected.
    assert _attempt(limited_app, "b@example.org", MODERATOR_PASSWORD, "10.0.0.9").status_code == 302


def test_login_is_limited_per_address_across_accounts(limited_app):
    for n in range(6):
        response = _attempt(limited_app, f"nobody{n}@example.org", "wrong", "10.1.1.1")
        assert response.status_code == 400
    assert _attempt(limited_app, "b@example.org", MODERATOR_PASSWORD, "10.1.1.1").status_code == 429
    assert _attempt(limited_app, "b@example.org", MODERATOR_PASSWORD, "10.1.1.2").status_code == 302


def test_successful_logins_do_not_use_up_the_account_limit(limited_app):
    for n in range(5):
        assert (
            _attempt(limited_app, "a@example.org", MODERATOR_PASSWORD, f"10.2.0.{n}").status_code
            == 302
        )


def test_passwords_are_hashed_with_scrypt(app, moderator):
    with app.app_context():
        user = db.session.get(User, moderator.id)
        assert user.password_hash.startswith("scrypt:")
        assert MODERATOR_PASSWORD not in user.password_hash


def _session_cookie(app, client_email=MODERATOR_EMAIL) -> str:
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": client_email, "password": MODERATOR_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_flags(app, moderator):
    cookie = _session_cookie(app)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development and tests


def test_session_cookie_is_secure_in_production(database_url, tmp_path):
    class Production(ProductionConfig):
        SECRET_KEY = "p" * 40
        SQLALCHEMY_DATABASE_URI = database_url
        PUBLIC_URL = "http://localhost"
        RATELIMIT_ENABLED = False

    app = create_app(Production)
    with app.app_context():
        db.create_all()
        accounts.create_user(MODERATOR_EMAIL, MODERATOR_PASSWORD, UserRole.MODERATOR)
    try:
        cookie = _session_cookie(app)
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _counts(app) -> tuple[int, ...]:
    with app.app_context():
        counts = [
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (ModerationEvent, User, Topic, RejectReason, Helpline)
        ]
        return (*counts, db.session.scalar(sa.select(sa.func.sum(Story.version))))


def test_every_moderation_and_admin_post_needs_a_csrf_token(app, client, demo):
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    login_as(client, ADMIN_EMAIL)
    with app.app_context():
        db.session.add(RejectReason(label="x", text="y"))
        db.session.add(Helpline(country="GB", name="x", phone="116 123"))
        db.session.commit()
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and r.endpoint.split(".")[0] in ("moderate", "admin", "auth")
    ]
    assert len(rules) >= 14
    before = _counts(app)
    for rule in rules:
        values = {arg: 1 for arg in rule.arguments}
        values.update({k: "en" for k in rule.arguments if k == "language"})
        values.update({k: "deactivate" for k in rule.arguments if k == "change"})
        url = rule.build(values)[1]
        form = {
            "action": "approve",
            "bulk_action": "approve",
            "stories": ["1:1"],
            "version": "1",
            "title": "t",
            "body": "b",
            "reason": "r",
            "email": "someone@example.org",
            "password": "whatever password",
            "erase-reason": "r",
            "erase-confirm": "y",
            "new-slug": "forged",
            "new-title": "Forged",
            "new-label": "Forged",
            "new-text": "Forged",
            "new-name": "Forged",
            "current": MODERATOR_PASSWORD,
            "new": "a brand new password",
            "confirm": "a brand new password",
        }
        response = client.post(url, data=form)
        if rule.endpoint in ("auth.logout", "auth.login"):
            assert response.status_code == 302  # no-ops: still logged in, checked below
        else:
            assert response.status_code == 400, (rule.endpoint, response.status_code)
    assert _counts(app) == before
    assert client.get("/admin/").status_code == 200  # the forged logout did nothing
    anonymous = app.test_client()
    response = anonymous.post("/login", data={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code == 400


def test_change_own_password(app, client, moderator, auth):
    auth.login()
    page = client.get("/account/password").get_data(as_text=True)
    token = csrf_token(page)
    wrong = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current": "not it at all",
            "new": "x" * 12,
            "confirm": "x" * 12,
        },
    )
    assert wrong.status_code == 400
    assert "The current password is not correct." in wrong.get_data(as_text=True)
    short = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current": MODERATOR_PASSWORD,
            "new": "short",
            "confirm": "short",
        },
    )
    assert short.status_code == 400 and "At least 12 characters" in short.get_data(as_text=True)
    ok = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current": MODERATOR_PASSWORD,
            "new": "my new long password",
            "confirm": "my new long password",
        },
    )
    assert ok.status_code == 302
    login_as(app.test_client(), MODERATOR_EMAIL, "my new long password")
