"""Issue G as the author meets it, in Chromium: a moderator rewrites part of the story, the
author reads the marked changes on their private page and publishes that version; the author
takes the story out of feeds and the API and it vanishes there at once, still on the site.
Also looks at the warning, the help message and a content note. Screenshots in
test-artifacts/g-*.png; axe-core finds no violations on the author's pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from storyhub.models import UserRole
from tests.plugins.browser import log_in
from tests.plugins.submission import decide, story_id
from tests.plugins.workbench import ADMIN_EMAIL, PASSWORD, make_user

pytestmark = pytest.mark.browser

TITLE = "Twenty minutes every morning"
BODY = (
    "Every morning my fingers need twenty minutes before they work. I hold a warm mug and "
    "wait.\n\n"
    "At the Ospedale San Martino, Dr Ferri told me to try dictation. I type this with "
    "dictation and a lot of patience, one paragraph at a time."
)
# The moderator edits the author's plain text: a blank line between paragraphs, no HTML.
EDITED = (
    "Every morning my fingers need twenty minutes before they work. I hold a warm mug and "
    "wait.\n\n"
    "My doctor told me to try dictation. I type this with dictation and a lot of "
    "patience, one paragraph at a time."
)


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()


def _submit_in_browser(page: Page, base: str, syndicate: bool = True) -> str:
    """Fill the story form as the author would; return the private link."""
    page.goto(f"{base}/submit")
    page.get_by_label("Name to publish", exact=True).fill("G.P.")
    page.get_by_label("Limited cutaneous systemic sclerosis").check()
    page.get_by_label("Country", exact=True).select_option("IT")
    page.get_by_label("Language of your story", exact=True).select_option("en")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Your story", exact=True).fill(BODY)
    page.get_by_label("E-mail (optional, never published)", exact=True).fill("gp@example.net")
    page.get_by_label("I agree that this story").check()
    page.get_by_label("Volunteers may translate my story").check()
    if syndicate:
        page.get_by_label("My story may be included in the site's news feeds").check()
    page.get_by_role("button", name="Submit story").click()
    expect(page.get_by_role("heading", name="your story has arrived")).to_be_visible()
    return page.locator("a.token").get_attribute("href") or ""


def test_author_accepts_the_moderators_edited_version(
    browser: Browser, live_server: str, app: Flask, demo: None, moderator: object, artifacts: Path
) -> None:
    author = browser.new_context().new_page()
    manage_link = _submit_in_browser(author, live_server)

    # The moderator removes the hospital and the doctor's name.
    mod = log_in(browser.new_context().new_page(), live_server)
    mod.get_by_role("link", name=TITLE).click()
    expect(mod.get_by_role("heading", name="Approving publishes directly")).to_be_visible()
    mod.get_by_text("Edit the text and details", exact=True).click()
    text = mod.get_by_label(re.compile(r"^Text, as the author wrote it"))
    expect(text).to_have_value(BODY)
    text.fill(EDITED)
    mod.get_by_role("button", name="Save edits").click()
    # Before deciding, the moderator sees that approving will ask the author.
    expect(mod.get_by_role("heading", name="Approving asks the author first")).to_be_visible()
    mod.get_by_label("Reason / message to the author").fill(
        "I took out the hospital and your doctor's name, so nobody can recognise you."
    )
    mod.screenshot(path=artifacts / "g-01-moderator-sees-it-goes-to-the-author.png", full_page=True)
    mod.get_by_role("button", name=re.compile(r"^Approve & next")).click()
    expect(mod.get_by_role("status").first).to_contain_text("awaiting the author")
    # "& next": the moderator lands on the next waiting story of the same tab.
    expect(mod).to_have_url(re.compile(r"/moderate/stories/\d+"))
    expect(mod.get_by_role("heading", level=1)).not_to_have_text(TITLE)

    # Not on the site yet.
    reader = browser.new_context().new_page()
    sid = story_id(app, TITLE)
    assert reader.goto(f"{live_server}/stories/{sid}").status == 404  # type: ignore[union-attr]

    # The author opens the private link: the question, the changes marked, two answers.
    author.goto(manage_link)
    expect(author.get_by_role("heading", name="Publish this version?")).to_be_visible()
    expect(author.locator(".proposal del", has_text="Martino").first).to_be_visible()
    expect(author.locator(".proposal ins", has_text="My").first).to_be_visible()
    expect(author.locator(".proposal")).to_contain_text("nobody can recognise you")
    author.screenshot(path=artifacts / "g-02-author-reads-the-changes.png", full_page=True)
    assert_no_axe_violations(author)
    author.get_by_text("Read the new version without marks").click()
    expect(author.locator(".clean-copy .body")).to_contain_text("My doctor told me")
    author.get_by_role("button", name="Publish this version").click()
    expect(author.get_by_role("status").first).to_contain_text("this version is published")
    expect(author.locator(".status")).to_contain_text("Published")
    author.screenshot(path=artifacts / "g-03-author-published-it.png", full_page=True)

    # Readers see the version the author accepted.
    reader.goto(f"{live_server}/stories/{sid}")
    expect(reader.locator("article.story .body")).to_contain_text("My doctor told me")
    expect(reader.locator("article.story")).not_to_contain_text("San Martino")
    reader.screenshot(path=artifacts / "g-04-reader-sees-accepted-version.png", full_page=True)


def test_author_takes_the_story_out_of_feeds_and_api(
    browser: Browser, live_server: str, app: Flask, demo: None, moderator: object, artifacts: Path
) -> None:
    author = browser.new_context().new_page()
    manage_link = _submit_in_browser(author, live_server)
    sid = story_id(app, TITLE)
    decide(app, sid, "approve")

    reader = browser.new_context().new_page()
    reader.goto(f"{live_server}/feeds/stories.atom")
    assert TITLE in reader.content()
    reader.goto(f"{live_server}/api/v1/stories/{sid}")
    assert TITLE in reader.content()

    author.goto(manage_link)
    choices = author.locator("section.choices")
    expect(choices).to_contain_text("In the site's feeds and its API: yes")
    author.screenshot(path=artifacts / "g-05-author-choices.png", full_page=True)
    assert_no_axe_violations(author)
    author.get_by_role("button", name="Take it out of feeds and the API").click()
    expect(author.get_by_role("status").first).to_contain_text("out of the feeds and the API")
    expect(choices).to_contain_text("In the site's feeds and its API: no")
    expect(author.get_by_role("button", name="Include it in feeds and the API")).to_be_visible()
    author.screenshot(path=artifacts / "g-06-author-withdrew-syndication.png", full_page=True)

    # At once: gone from the feed and the API …
    reader.goto(f"{live_server}/feeds/stories.atom")
    assert TITLE not in reader.content()
    response = reader.goto(f"{live_server}/api/v1/stories/{sid}")
    assert response is not None and response.status == 404
    reader.goto(f"{live_server}/api/v1/stories")
    assert TITLE not in reader.content()
    # … still on the site.
    reader.goto(f"{live_server}/stories/{sid}")
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    reader.screenshot(path=artifacts / "g-07-still-on-the-site.png", full_page=True)


def test_warning_help_and_content_note_as_people_see_them(
    browser: Browser, live_server: str, app: Flask, demo: None, moderator: object, artifacts: Path
) -> None:
    # The re-identification warning (no story from Malta yet, morphea is rare here).
    app.config.update(REIDENTIFICATION_COUNTRY_STORIES=3, REIDENTIFICATION_DIAGNOSIS_STORIES=3)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server}/submit")
    page.get_by_label("Name to publish", exact=True).fill("Maria Camilleri")
    page.get_by_label("Morphea").check()
    page.get_by_label("Country", exact=True).select_option("MT")
    page.get_by_label("Language of your story", exact=True).select_option("en")
    page.get_by_label("Title", exact=True).fill("Hard nights")
    page.get_by_label("Your story", exact=True).fill(
        "The patches on my arms spread last spring. Some nights I feel I can't go on, and I "
        "lie awake until the birds start."
    )
    page.get_by_label("I agree that this story").check()
    page.get_by_role("button", name="Submit story").click()
    expect(page.get_by_role("group", name="Could someone recognise you?")).to_be_visible()
    page.locator("#identify-question").screenshot(path=artifacts / "g-08-warning.png")
    page.screenshot(path=artifacts / "g-08-warning-full.png", full_page=True)
    assert_no_axe_violations(page)
    page.get_by_label("Name to publish", exact=True).fill("M.C.")
    page.get_by_label("I have read this. Send my story as it is now.").check()
    page.get_by_role("button", name="Submit story").click()

    # Words of distress: help at once, on the thank-you page.
    expect(page.get_by_role("heading", name="You are not alone")).to_be_visible()
    page.screenshot(path=artifacts / "g-09-support.png", full_page=True)
    assert_no_axe_violations(page)

    # Moderators see it first, flagged; admins keep the helplines.
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    admin = log_in(browser.new_context().new_page(), live_server, ADMIN_EMAIL, PASSWORD)
    first_row = admin.locator("table.queue tbody tr").first
    expect(first_row).to_contain_text("Hard nights")
    expect(first_row).to_contain_text("Read first")
    expect(first_row).to_contain_text("Could identify its author")
    admin.screenshot(path=artifacts / "g-12-queue-read-first.png", full_page=True)
    admin.goto(f"{live_server}/admin/helplines")
    expect(admin.get_by_role("heading", name="The shipped list is in use")).to_be_visible()
    admin.screenshot(path=artifacts / "g-13-admin-helplines.png", full_page=True)

    # A content note on a published story: the text is one click away.
    sid = story_id(app, "Hard nights")
    decide(app, sid, "approve", content_note="Describes thoughts of not wanting to live")
    reader = browser.new_context().new_page()
    reader.goto(f"{live_server}/stories/{sid}")
    note = reader.locator("details.content-note")
    expect(note.locator("summary")).to_contain_text("Describes thoughts of not wanting to live")
    expect(note.locator(".body")).not_to_be_visible()
    reader.screenshot(path=artifacts / "g-10-content-note-closed.png", full_page=True)
    assert_no_axe_violations(reader)
    note.locator("summary").click()
    expect(note.locator(".body")).to_be_visible()
    reader.screenshot(path=artifacts / "g-11-content-note-open.png", full_page=True)
