"""A full crawl from / — every internal link on every page, in every interface language, the
feeds, the sitemap and the API — finds no unpublished text and no private data anywhere."""

from __future__ import annotations

import html as html_lib
import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryStatus, Submitter, User
from storyhub.services import moderation
from storyhub.services.author_changes import accept_edits
from storyhub.services.catalog import is_public
from storyhub.services.moderation import StoryEdits
from tests.plugins.forms import manage_token

ORIGIN = "http://localhost"
LINK = re.compile(r"""(?:href|src|action)=["']([^"']+)["']""")
XML_LOC = re.compile(r"<loc>([^<]+)</loc>")


def _decide(app, title: str, action: str, moderator_id: int, **kw: object) -> None:
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title=title))
        actor = db.session.get(User, moderator_id)
        moderation.decide(story, action, actor, story.version, **kw)


def _prepare_secrets(app, submit, moderator) -> list[str]:
    """Put every kind of private or unpublished text in the database; return strings to hunt."""
    tokens = []
    for title, body, email in (
        ("Crawlpending title", "Crawlpendingbody keeps waiting.", "pending.person@example.net"),
        ("Crawlrejected title", "Crawlrejectedbody is not for the site.", "rej@example.net"),
        ("Crawlchanges title", "Crawlchangesbody needs work first.", "chg@example.net"),
        ("Crawlapproved title", "Crawlprivateoriginal words the moderator cut.", "ok@example.net"),
    ):
        response = submit(title=title, body=body, email=email, diagnoses=["morphea"])
        tokens.append(manage_token(response.get_data(as_text=True)))
    _decide(app, "Crawlrejected title", "reject", moderator.id, reason="Crawlrejectreason")
    _decide(app, "Crawlchanges title", "request_changes", moderator.id, reason="Crawlchangesmsg")
    _decide(
        app,
        "Crawlapproved title",
        "approve",
        moderator.id,
        edits=StoryEdits(body_html="<p>Public words about warm gloves and morphea.</p>"),
    )
    with app.app_context():  # the edit rewrote the author's words: they accept it (issue G)
        approved = db.session.scalar(sa.select(Story).filter_by(title="Crawlapproved title"))
        accept_edits(approved, approved.version)
    _decide(app, "What I learned in the waiting room", "unpublish", moderator.id,
            reason="Crawlunpublishreason")  # fmt: skip
    with app.app_context():
        james = db.session.scalar(
            sa.select(Story).filter_by(title="What I learned in the waiting room")
        )
        # A published translation of an unpublished original: must stay hidden.
        db.session.add(
            Story(
                status=StoryStatus.PUBLISHED,
                title="Crawlorphan translation",
                body_text="Crawlorphanbody",
                body_html="<p>Crawlorphanbody</p>",
                excerpt="Crawlorphanbody",
                author_name="James",
                country="US",
                language="es",
                translation_of=james,
                published_at=james.published_at,
            )
        )
        db.session.commit()
        hidden = db.session.scalars(sa.select(Story).where(sa.not_(is_public()))).all()
        secrets = {s.title for s in hidden} | {s.excerpt for s in hidden if s.excerpt}
        secrets |= {"Crawlprivateoriginal", "Crawlrejectreason", "Crawlchangesmsg",
                    "Crawlunpublishreason", "Crawlorphanbody"}  # fmt: skip
        secrets |= set(db.session.scalars(sa.select(Submitter.email).where(Submitter.email != "")))
        secrets |= set(db.session.scalars(sa.select(User.email)))
        secrets |= set(db.session.scalars(sa.select(Submitter.manage_token_hash)))
        secrets |= {r for r in db.session.scalars(sa.select(ModerationEvent.reason)) if len(r) > 8}
    secrets |= set(tokens)
    secrets.discard("demo content")  # the demo's approval reason is also… the demo's reason
    return sorted(s for s in secrets if s)


def _links(url: str, content_type: str, body: str) -> list[str]:
    if content_type.startswith("application/json"):
        found: list[str] = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str) and value.startswith(ORIGIN):
                found.append(value)

        walk(json.loads(body))
        return found
    links = [html_lib.unescape(link) for link in LINK.findall(body)]
    if content_type.startswith(("application/xml", "application/atom+xml")):
        links += XML_LOC.findall(body)
    if content_type.startswith("text/plain"):
        links += re.findall(r"Sitemap: (\S+)", body)
    return [urljoin(url, link) for link in links]


def _crawl(client, secrets: list[str]) -> dict[str, int]:
    start = ["/", "/robots.txt", "/sitemap.xml", "/feeds/stories.atom", "/api/v1/"]
    queue = deque(ORIGIN + path for path in start)
    seen: dict[str, int] = {}
    while queue:
        url = queue.popleft().split("#", 1)[0]
        if url in seen:
            continue
        response = client.get(url[len(ORIGIN) :])
        seen[url] = response.status_code
        text = response.get_data(as_text=True)
        everything = text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        leaked = [secret for secret in secrets if secret in everything]
        assert not leaked, f"{url} shows {leaked}"
        assert "@example." not in text, url
        if response.status_code in (301, 302, 308):
            queue.append(urljoin(url, response.headers["Location"]))
            continue
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        for link in _links(url, response.headers.get("Content-Type", ""), text):
            if urlsplit(link).netloc == "localhost" and link.split("#", 1)[0] not in seen:
                queue.append(link)
    return seen


def test_full_crawl_finds_no_unpublished_text_and_no_private_data(app, client, demo, moderator,
                                                                  submit):  # fmt: skip
    secrets = _prepare_secrets(app, submit, moderator)
    assert len(secrets) > 20
    stranger = app.test_client()  # not the browser that submitted: no session cookie
    seen = _crawl(stranger, secrets)
    paths = {urlsplit(u).path for u in seen}
    # The crawl reached every kind of public page, feed and API answer.
    for expected in ("/", "/stories/", "/diagnoses/", "/diagnoses/morphea", "/topics/",
                     "/topics/calcinosis", "/languages/es", "/search", "/sitemap.xml",
                     "/feeds/stories.atom", "/feeds/diagnoses/morphea.atom",
                     "/feeds/topics/raynauds.atom", "/api/v1/stories", "/api/v1/diagnoses",
                     "/api/v1/topics", "/api/v1/openapi.json"):  # fmt: skip
        assert expected in paths, expected
    assert any(re.fullmatch(r"/stories/\d+-crawlapproved-title", p) for p in paths)
    assert any(re.fullmatch(r"/api/v1/stories/\d+", p) for p in paths)
    assert any("lang=it" in u for u in seen) and any("lang=es" in u for u in seen)
    assert len(seen) > 100, len(seen)
    print(f"crawled {len(seen)} URLs")
