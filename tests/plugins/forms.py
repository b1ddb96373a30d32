"""Acting as a browser would: tokens read from pages, the story form filled in, a moderator
logged in. Plain helpers are imported (`from tests.plugins.forms import csrf_token`); the fixtures
(`moderator`, `auth`, `submit`) are registered for every test by the root conftest."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storyhub.models import UserRole
from storyhub.services import accounts

MODERATOR_EMAIL = "mod@example.org"
MODERATOR_PASSWORD = "a long test password"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
        rf'type="hidden" name="{name}" value="([^"]*)"', html
    )
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def manage_token(html: str) -> str:
    match = re.search(r"/my/([A-Za-z0-9_-]+)", html)
    assert match, "no manage link on the page"
    return match.group(1)


def story_form_data(**overrides: object) -> dict[str, object]:
    """A valid submission, as a patient would fill the form."""
    data: dict[str, object] = {
        "author_name": "R.B.",
        "relation": "self",
        "relation_detail": "",
        "email": "rb.patient@example.net",
        "country": "IT",
        "language": "en",
        "diagnoses": ["limited-cutaneous-ssc"],
        "title": "Learning to type again",
        "body": "My fingers stiffened first in winter. Typing became slow.\n\n"
        "Now I use dictation and warm gloves, see https://example.org/tips for my list.",
        "consent_publish": "y",
        "website": "",
    }
    data.update(overrides)
    return data


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    password: str


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str = MODERATOR_EMAIL, password: str = MODERATOR_PASSWORD):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client.get("/login").get_data(as_text=True))
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )


@pytest.fixture
def moderator(app: Flask) -> Account:
    with app.app_context():
        user = accounts.create_user(MODERATOR_EMAIL, MODERATOR_PASSWORD, UserRole.MODERATOR)
        return Account(user.id, user.email, MODERATOR_PASSWORD)


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def submit(client: FlaskClient):  # type: ignore[no-untyped-def]
    """Return a function that fills and posts the story form like a browser would."""

    def post(**overrides: object):  # type: ignore[no-untyped-def]
        page = client.get("/submit").get_data(as_text=True)
        data = story_form_data(**overrides)
        data.setdefault("csrf_token", csrf_token(page))
        data.setdefault("submission_key", hidden_value(page, "submission_key"))
        return client.post("/submit", data=data)

    return post
