"""The whole path a person takes: a patient submits, a moderator approves, a reader finds it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.plugins.browser import log_in

pytestmark = pytest.mark.browser

AUTHOR = "R.B."
TITLE = "White fingers at the bus stop"
FIRST_SENTENCE = "My hands turned white at the bus stop in November."
BODY = (
    f"{FIRST_SENTENCE} They went numb, then blue, then burned as they warmed up.\n\n"
    "My doctor called it Raynaud's and later found small lumps of calcium on two fingertips. "
    "Now I carry hand warmers everywhere and wait for the bus inside the bakery."
)
SUBMITTER_EMAIL = "rb.walkthrough@example.net"
DIAGNOSIS = "Limited cutaneous systemic sclerosis"
CALCINOSIS_TOPIC = "Calcinosis: calcium deposits under the skin"


def assert_email_not_shown(page: Page) -> None:
    expect(page.locator("body")).not_to_contain_text(SUBMITTER_EMAIL)
    assert SUBMITTER_EMAIL not in page.content(), f"{SUBMITTER_EMAIL} is in the HTML of {page.url}"


def test_patient_submits_moderator_approves_reader_sees_teaser(
    page: Page, browser: Browser, live_server: str, demo: None, moderator: object, artifacts: Path
) -> None:
    # A reader in another browser has the topic page served from the page cache already.
    reader = browser.new_page()
    reader.goto(f"{live_server}/topics/calcinosis")
    cached = reader.goto(f"{live_server}/topics/calcinosis")
    assert cached is not None and cached.headers.get("x-cache") == "hit"
    expect(reader.locator("body")).not_to_contain_text(FIRST_SENTENCE.rstrip("."))

    # The patient fills in the story form.
    page.goto(f"{live_server}/submit")
    expect(page.get_by_role("heading", name="Share your story")).to_be_visible()
    page.get_by_label("Name to publish", exact=True).fill(AUTHOR)
    page.get_by_label("Who are you to the patient?", exact=True).select_option("self")
    page.get_by_label(DIAGNOSIS).check()  # a sub-type, labelled "— Limited cutaneous…"
    page.get_by_label("Country", exact=True).select_option("IT")
    page.get_by_label("Language of your story", exact=True).select_option("en")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Your story", exact=True).fill(BODY)
    page.get_by_label("E-mail (optional, never published)", exact=True).fill(SUBMITTER_EMAIL)
    page.get_by_label("I agree that this story").check()
    page.get_by_role("button", name="Submit story").click()

    expect(page.get_by_role("heading", name="your story has arrived")).to_be_visible()
    manage_link = page.locator("a.token")  # the footer and the receipt also link to /my/
    expect(manage_link).to_have_count(1)
    page.screenshot(path=artifacts / "01-submitted.png", full_page=True)

    # The private link shows the status.
    manage_link.click()
    expect(page).to_have_url(re.compile(r"/my/[A-Za-z0-9_-]+$"))
    expect(page.locator(".status")).to_contain_text("Waiting for a moderator")

    # The moderator logs in, lands on the queue and opens the story.
    log_in(page, live_server)
    expect(page).to_have_url(re.compile(r"/moderate/$"))
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.screenshot(path=artifacts / "02-review.png", full_page=True)

    # The diagnosis the patient chose is already ticked: approving keeps it.
    expect(page.get_by_label(DIAGNOSIS)).to_be_checked()

    # Link it to the calcinosis topic (in the collapsed edit section) and approve.
    page.get_by_text("Edit the text and details", exact=True).click()
    page.get_by_label(CALCINOSIS_TOPIC).check()
    page.get_by_role("button", name=re.compile(r"^Approve & next")).click()
    notices = page.get_by_role("status")
    expect(notices.first).to_have_text(re.compile(r"Story \d+ is now published\."))
    # "& next": the moderator lands on the next waiting story of the same tab.
    expect(page).to_have_url(re.compile(r"/moderate/stories/\d+"))
    expect(page.get_by_role("heading", level=1)).not_to_have_text(TITLE)

    # Log out: the reader is anonymous.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    # The reader finds the teaser on the topic page.
    page.goto(f"{live_server}/topics/calcinosis")
    expect(page.get_by_role("heading", level=1)).to_have_text(CALCINOSIS_TOPIC)
    teaser = page.locator("li.teaser").filter(has_text=FIRST_SENTENCE.rstrip("."))
    expect(teaser).to_have_count(1)
    expect(teaser).to_have_text(
        re.compile(
            # The title is the link; then who, what, where, when; then the first sentence.
            rf"^\s*{re.escape(TITLE)}\s+{re.escape(AUTHOR)}:\s+{re.escape(DIAGNOSIS)} \(Italy\)"
            rf"\s+·\s+\w+ \d+, \d{{4}}\s+{re.escape(FIRST_SENTENCE.rstrip('.'))}…\s*$"
        )
    )
    page.screenshot(path=artifacts / "03-topic.png", full_page=True)
    assert_email_not_shown(page)

    # The reader who had the cached page sees the new story at once too.
    fresh = reader.goto(f"{live_server}/topics/calcinosis")
    assert fresh is not None and fresh.headers.get("x-cache") == "miss"
    expect(reader.locator("li.teaser").filter(has_text=FIRST_SENTENCE.rstrip("."))).to_have_count(1)
    reader.close()

    # The story page itself shows the story but not the e-mail either.
    teaser.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("article.story .body")).to_contain_text(FIRST_SENTENCE)
    assert_email_not_shown(page)
