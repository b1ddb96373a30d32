"""Every link that leaves the site (e-mails, feeds, sitemap, API) is built from PUBLIC_URL,
whatever the request said and also outside any request (CLI tasks)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from config import ProductionConfig
from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import UserRole
from storyhub.proxy import external_url
from storyhub.services import accounts
from storyhub.services.tools.demo import load_demo
from tests.plugins.forms import csrf_token, hidden_value, story_form_data
from tests.plugins.submission import decide, outbox, story_id

PUBLIC = "https://stories.example.org/community"
# What a client can slip past a proxy that appends (the last values are the proxy's own).
SPOOFED = {
    "Host": "stories.example.org",
    "X-Forwarded-Host": "evil.example, stories.example.org",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Prefix": "/evil",
    "SCRIPT_NAME": "/evil",
}


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "public-url-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "REIDENTIFICATION_COUNTRY_STORIES": 0,
        "IDENTIFIER_CHECK": False,  # the usual test story holds a link
        "PUBLIC_URL": PUBLIC,
        "PROXY_HOPS": 1,
    }
    app = create_app(type("Production", (ProductionConfig,), settings))
    with app.app_context():
        db.create_all()
        load_demo()
        accounts.create_user("mod@example.org", "a long test password", UserRole.MODERATOR)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _absolute_links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)]+", text)


def _own_links(text: str) -> list[str]:
    """Absolute links that could be the site's own: to its host, to the test client's default
    host or to the spoofed ones (stories themselves link to other sites)."""
    suspects = ("stories.example.org", "localhost", "evil", "127.0.0.1")
    return [link for link in _absolute_links(text) if any(s in link for s in suspects)]


def _submit(app: Flask, title: str) -> str:
    client = app.test_client()
    page = client.get("/submit", headers=SPOOFED).get_data(as_text=True)
    data = story_form_data(
        title=title,
        csrf_token=csrf_token(page),
        submission_key=hidden_value(page, "submission_key"),
    )
    response = client.post("/submit", data=data, headers=SPOOFED)
    assert response.status_code == 200, response.text[:500]
    return response.get_data(as_text=True)


def test_receipt_page_and_mail_link_to_public_url(app):
    page = _submit(app, "Links from the public address")
    link = re.search(r"https?://[^\s\"<]+/my/[A-Za-z0-9_-]+", page)
    assert link and link.group(0).startswith(f"{PUBLIC}/my/")
    assert "evil" not in page
    (receipt,) = [m for m in outbox(app) if m.kind == "received"]
    links = _own_links(receipt.body)
    assert links and all(link.startswith(f"{PUBLIC}/") for link in links), links
    assert link.group(0) in links


def test_decision_mail_made_outside_a_request_links_to_public_url(app):
    _submit(app, "Decided from a command")
    decide(app, story_id(app, "Decided from a command"), "approve")  # no request context
    (decision,) = [m for m in outbox(app) if m.kind != "received"]
    links = _own_links(decision.body)
    # The published story and the author's private page, both on the public address.
    assert links and all(link.startswith(f"{PUBLIC}/") for link in links), links
    assert any(link.startswith(f"{PUBLIC}/stories/") for link in links), links
    assert any(link.startswith(f"{PUBLIC}/my/") for link in links), links


def test_feeds_sitemap_and_api_link_to_public_url(app):
    client = app.test_client()
    for path in (
        "/feeds/stories.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/",
        "/api/v1/stories",
        "/api/v1/stories/1",
        "/api/v1/diagnoses",
        "/api/v1/topics",
        "/api/v1/openapi.json",
    ):
        response = client.get(path, headers=SPOOFED)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        links = _own_links(text)
        assert "evil" not in text, path
        assert links and all(link.startswith(PUBLIC) for link in links), (path, links)


def test_external_url_without_a_request_uses_public_url(app):
    with app.app_context():
        assert external_url("reader.topic", slug="calcinosis") == f"{PUBLIC}/topics/calcinosis"
        assert (
            external_url("reader.story", story_id=3, slug="x", _anchor="update-4")
            == f"{PUBLIC}/stories/3-x#update-4"
        )


def test_pages_link_within_the_prefix(app):
    html = app.test_client().get("/topics/calcinosis", headers=SPOOFED).get_data(as_text=True)
    hrefs = re.findall(r'href="(/[^"]*)"', html)
    assert hrefs and all(href.startswith("/community/") for href in hrefs), hrefs[:5]
