"""Fixtures: every test gets its own empty database (a SQLite file or a PostgreSQL schema).

Set STORYHUB_TEST_DATABASE_URL to a PostgreSQL URL to run the suite there; `make test` runs it
on both. Separate schemas keep tests independent, so they run in any order and in parallel.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import UserRole
from storyhub.services import accounts

# Keeps a log of the whole session and fails the run if a private value reached it.
pytest_plugins = ["tests.log_audit"]

TEST_DATABASE_URL = os.environ.get("STORYHUB_TEST_DATABASE_URL", "sqlite://")
MODERATOR_EMAIL = "mod@example.org"
MODERATOR_PASSWORD = "a long test password"


def _is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """Create a throwaway PostgreSQL schema; yield a URL whose connections use it."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """Yield a URL to a database no other test touches; drop it afterwards."""
    if not _is_postgres():
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with postgres_schema(TEST_DATABASE_URL) as url:
        yield url


@pytest.fixture
def app(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    # `@pytest.mark.app_config(NAME=value, …)` sets what must be known when the app is made
    # (PUBLIC_URL, say); changing app.config afterwards would reach only part of the app.
    marker = request.node.get_closest_marker("app_config")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            # The re-identification warning would stop most submissions in a small test
            # database; tests/test_patient_*.py switch it on where it is the subject.
            "REIDENTIFICATION_COUNTRY_STORIES": 0,
            # Likewise the identifier check (the usual test story has a link in it);
            # tests/test_identifier_question.py switches it on.
            "IDENTIFIER_CHECK": False,
            **(marker.kwargs if marker else {}),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def demo(app: Flask) -> None:
    """Load the demo diagnoses, topics and stories."""
    from storyhub.services.demo import load_demo

    with app.app_context():
        load_demo()


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    password: str


@pytest.fixture
def moderator(app: Flask) -> Account:
    with app.app_context():
        user = accounts.create_user(MODERATOR_EMAIL, MODERATOR_PASSWORD, UserRole.MODERATOR)
        return Account(user.id, user.email, MODERATOR_PASSWORD)


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


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str = MODERATOR_EMAIL, password: str = MODERATOR_PASSWORD):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client.get("/login").get_data(as_text=True))
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


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


def manage_token(html: str) -> str:
    match = re.search(r"/my/([A-Za-z0-9_-]+)", html)
    assert match, "no manage link on the page"
    return match.group(1)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free localhost port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
