"""Hostile text in every field, through the real forms, approved by a moderator, rendered in
Chromium on every page that shows it: no dialog, no script-made request, no script-capable DOM."""

from __future__ import annotations

import html
import re
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.sanitize import has_visible_letters
from storyhub.services.author_changes import accept_edits
from tests.e2e.xss import Watcher, load_payloads
from tests.plugins.browser import log_in
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD, csrf_token, hidden_value

pytestmark = pytest.mark.browser

PAYLOADS = load_payloads()
ATOM = "{http://www.w3.org/2005/Atom}"
FILLER = "\n\nThis sentence makes the story long enough to be accepted."


def test_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 150
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def _submit_all(client) -> list[int]:  # type: ignore[no-untyped-def]
    """Post one story per payload, rotating payloads so each lands in every text field."""
    count = len(PAYLOADS)
    for i, payload in enumerate(PAYLOADS):
        page = client.get("/submit").get_data(as_text=True)
        response = client.post(
            "/submit",
            data={
                "csrf_token": csrf_token(page),
                "submission_key": hidden_value(page, "submission_key"),
                # A name needs a visible letter (tests/system/test_text_validity.py):
                # "{{7*7}}" gets one.
                "author_name": (payload if has_visible_letters(payload) else "A" + payload)[:80],
                "relation": "family",
                "relation_detail": PAYLOADS[(i + 1) % count][:120],
                "email": "",
                "country": "IT",
                "language": "en",
                "diagnoses": ["morphea"],
                "title": PAYLOADS[(i + 2) % count][:200],
                "body": PAYLOADS[(i + 3) % count] + "\n\n" + PAYLOADS[(i + 4) % count] + FILLER,
                "consent_publish": "y",
                "consent_syndicate": "y",  # so the feeds and the API carry them too
            },
        )
        assert response.status_code == 200, (i, payload)
    with client.application.app_context():
        return list(db.session.scalars(sa.select(Story.id).where(Story.status == "pending")))


def _approve_all(client, story_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": MODERATOR_EMAIL, "password": MODERATOR_PASSWORD,
                                "csrf_token": token})  # fmt: skip
    for n, story_id in enumerate(story_ids):
        page = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
        version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
        with client.application.app_context():
            story = db.session.get(Story, story_id)
            title, body_html = story.title, story.body_html
        moderator_html = n % 2 == 1  # every other story: the moderator writes hostile HTML
        client.post(
            f"/moderate/stories/{story_id}",
            data={
                "csrf_token": csrf_token(page),
                "action": "approve",
                "version": version,
                "title": title,
                "body": PAYLOADS[n % len(PAYLOADS)] + "<p>text</p>"
                if moderator_html
                else body_html,
                "excerpt": PAYLOADS[(n + 5) % len(PAYLOADS)][:400] if moderator_html else "",
                "diagnoses": ["morphea"],
                "topics": ["calcinosis"],
                "reason": "",
            },
        )
    with client.application.app_context():
        # Hostile moderator HTML rewrote the authors' words: each author accepts it (issue G).
        waiting = db.session.scalars(
            sa.select(Story).where(
                Story.id.in_(story_ids), Story.status == StoryStatus.AWAITING_AUTHOR
            )
        ).all()
        for story in waiting:
            accept_edits(story, story.version)
        statuses = set(db.session.scalars(sa.select(Story.status).where(Story.id.in_(story_ids))))
    assert statuses == {StoryStatus.PUBLISHED}


def _feed_problems(client, page: Page) -> list[str]:  # type: ignore[no-untyped-def]
    """Feed readers render entries' HTML: render every title, summary and content the same way.

    A browser shows the feed itself as inert XML text, so the entries are what can hurt.
    """
    problems, entries = [], 0
    for url in ("/feeds/stories.atom", "/feeds/topics/calcinosis.atom",
                "/feeds/diagnoses/morphea.atom"):  # fmt: skip
        response = client.get(url, headers={"Cookie": ""})
        root = ElementTree.fromstring(response.get_data())
        for entry in root.iter(f"{ATOM}entry"):
            entries += 1
            parts = []
            for name in ("title", "summary", "content"):
                element = entry.find(f"{ATOM}{name}")
                if element is not None and element.text:
                    is_html = element.get("type") in ("html", "xhtml")
                    parts.append(element.text if is_html else html.escape(element.text))
            page.set_content("<!doctype html><body>" + "\n".join(parts) + "</body>")
            problems += [f"{url}: {p}" for p in page.evaluate(_inspect())]
    assert entries > 100, "the feeds should carry the hostile stories"
    return problems


def test_payloads_stay_inert_on_every_page(app, client, demo, moderator, live_server, browser):
    app.config["TOPIC_TEASER_LIMIT"] = 1000
    story_ids = _submit_all(client)
    assert len(story_ids) >= len(PAYLOADS)
    watcher = Watcher(live_server)
    moderator_context = browser.new_context()
    moderator_page = moderator_context.new_page()
    watcher.attach(moderator_page)
    log_in(moderator_page, live_server)
    problems = watcher.check(moderator_page, f"{live_server}/moderate/")
    for story_id in story_ids:  # the pending submissions, as moderators first read them
        problems += watcher.check(moderator_page, f"{live_server}/moderate/stories/{story_id}")

    _approve_all(client, story_ids)
    reader_context = browser.new_context()
    reader = reader_context.new_page()
    watcher.attach(reader)
    for url in (
        "/",
        "/topics/calcinosis",
        "/diagnoses/morphea",
        "/languages/en",
        "/stories/",
        "/stories/?page=2",
        "/search?q=alert",
        "/search?q=script",
        "/topics/",
        "/diagnoses/",
    ):
        problems += watcher.check(reader, live_server + url)
    for story_id in story_ids:
        problems += watcher.check(reader, f"{live_server}/stories/{story_id}")
    problems += _feed_problems(client, reader)
    for story_id in story_ids[1::2]:  # moderator-entered HTML, seen again by moderators
        problems += watcher.check(moderator_page, f"{live_server}/moderate/stories/{story_id}")
    moderator_context.close()
    reader_context.close()

    assert watcher.dialogs == []
    assert watcher.offsite_requests == []
    assert problems == []


def test_refilled_form_keeps_payloads_inert(page: Page, live_server, demo):
    """A refused form echoes what was typed: every echoed payload must stay text."""
    watcher = Watcher(live_server)
    watcher.attach(page)
    problems: list[str] = []
    fields = ["Name to publish", "In your own words (optional)", "Title"]
    for start in range(0, len(PAYLOADS), 8):
        chunk = PAYLOADS[start : start + 8] + PAYLOADS[:4]
        page.goto(f"{live_server}/submit")
        for label, payload in zip(fields, chunk, strict=False):
            page.get_by_label(label, exact=True).fill(payload)
        page.get_by_label("Your story", exact=True).fill("\n\n".join(chunk[3:]))
        page.get_by_label("E-mail (optional, never published)").fill(chunk[-1][:60])
        page.get_by_role("button", name="Submit story").click()  # consent unticked: refused
        expect(page.locator('[role="alert"]').first).to_be_visible()  # refused, with a summary
        problems += [f"chunk {start}: {p}" for p in page.evaluate(_inspect())]
    assert watcher.dialogs == [] and watcher.offsite_requests == [] and problems == []


def _inspect() -> str:
    from tests.e2e.xss import INSPECT_DOM

    return INSPECT_DOM


def test_inspection_catches_what_it_looks_for(page: Page):
    """The checks above can fail: markup that escaped sanitising is reported."""
    page.set_content(
        '<img src=x onerror="1"><a href=" JaVa\tScRiPt:alert(1)">x</a>'
        '<div style="color:red">x</div><iframe src="about:blank"></iframe><script>1</script>'
    )
    problems = page.evaluate(_inspect())
    assert any("onerror" in p for p in problems)
    assert any("javascript:" in p for p in problems)
    assert any("style=" in p for p in problems)
    assert "<IFRAME>" in problems and "<SCRIPT> not from /static" in problems
