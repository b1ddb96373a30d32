"""Workbench 7b: hashed passwords, cookie flags, CSRF on every moderation and admin POST,
changing one's own password (login throttling: tests/routes/auth/test_login_throttle.py)."""

from __future__ import annotations

import sqlalchemy as sa

from config import ProductionConfig
from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import Helpline, ModerationEvent, RejectReason, Story, Topic, User, UserRole
from storyhub.services import accounts
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD, csrf_token
from tests.plugins.workbench import ADMIN_EMAIL, PASSWORD, login_as, make_user


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
