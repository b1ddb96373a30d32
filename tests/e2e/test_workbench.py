"""The moderator's workbench in a browser: two moderators edit the same story at once, the
second gets the conflict with their edits kept; screenshots of queue, review, log and admin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from storyhub.models import UserRole
from tests.plugins.browser import log_in, log_in_to_queue
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.plugins.workbench import ADMIN_EMAIL, PASSWORD, SECOND_EMAIL, make_user

pytestmark = pytest.mark.browser

TITLE = "Hard lumps on my fingers"
BODY = (
    "The small hard lumps on my fingertips turned out to be calcium deposits. My "
    "rheumatologist called it calcinosis and sent me for an X-ray of both hands.\n\n"
    "For a while I hid my hands in my pockets. Now I protect the sore fingers with plasters "
    "and my sister Anna Verdi drives me to the clinic. If you want to talk, write to "
    "anna.verdi@example.com or call 0039 333 123 4567."
)


def _open_editor(page: Page) -> None:
    """The edit fields sit in a collapsed "Edit the text and details" section."""
    page.get_by_text("Edit the text and details", exact=True).click()
    expect(page.get_by_label("Title", exact=True)).to_be_visible()


def test_two_moderators_edit_the_same_story(
    browser: Browser,
    live_server: str,
    app: Flask,
    demo: None,
    moderator: object,
    submit,  # type: ignore[no-untyped-def]
    artifacts: Path,
) -> None:
    submit(title=TITLE, body=BODY, diagnoses=["calcinosis-cutis"])
    make_user(app, SECOND_EMAIL)
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    first_context, second_context = browser.new_context(), browser.new_context()
    try:
        first = log_in_to_queue(first_context, live_server, MODERATOR_EMAIL, MODERATOR_PASSWORD)
        second = log_in_to_queue(second_context, live_server, SECOND_EMAIL, PASSWORD)

        # Both open the story from the queue; the second sees the first is on it.
        first.get_by_role("link", name=TITLE).click()
        expect(first.get_by_role("heading", level=1)).to_have_text(TITLE)
        second.get_by_role("link", name=TITLE).click()
        expect(second.locator("p.marker")).to_contain_text(
            re.compile(rf"Being reviewed by {re.escape(MODERATOR_EMAIL)} since \d\d:\d\d UTC")
        )
        expect(second.locator(".suggestions")).to_contain_text(
            "the story mentions “calcium”, “calcinosis”"
        )

        # The first moderator shortens the title, and saves.
        _open_editor(first)
        first.get_by_label("Title", exact=True).fill("Lumps on my fingers")
        first.get_by_role("button", name="Save edits").click()
        expect(first.get_by_role("status")).to_have_text("Edits saved: title.")

        # The second, from the page loaded before, removes the sister's name and the e-mail.
        # The text field holds the author's plain text (paragraphs, no HTML).
        _open_editor(second)
        body = second.get_by_label(re.compile(r"^Text, as the author wrote it"))
        expect(body).to_have_value(BODY)
        edited = (
            body.input_value()
            .replace("my sister Anna Verdi drives", "my sister drives")
            .replace(
                " If you want to talk, write to anna.verdi@example.com or call 0039 333 123 4567.",
                "",
            )
        )
        body.fill(edited)
        second.get_by_role("button", name="Save edits").click()

        alert = second.get_by_role("alert")
        expect(alert).to_contain_text("Someone else changed this story")
        changes = second.locator("section.changes")
        expect(changes).to_contain_text("What changed since you opened this page")
        expect(changes.locator("del")).to_contain_text("Hard lumps on my fingers")
        expect(changes.locator("ins")).to_contain_text("Lumps on my fingers")
        # Their own edit is still in the form; the title they did not touch is the new one.
        expect(body).to_have_value(edited)
        expect(second.get_by_label("Title", exact=True)).to_have_value("Lumps on my fingers")
        second.screenshot(path=artifacts / "wb-01-conflict.png", full_page=True)

        # Saving again, now knowingly, keeps both edits.
        second.get_by_role("button", name="Save edits").click()
        expect(second.get_by_role("status")).to_have_text("Edits saved: text.")
        # The moderator's edits against what the author submitted, one click away.
        second.get_by_text("Your edits against the submitted text").click()
        expect(second.locator(".compare-section del").first).to_be_visible()
        second.locator("#compare-h").scroll_into_view_if_needed()
        second.screenshot(path=artifacts / "wb-02-review-diff.png", full_page=True)

        first.goto(f"{live_server}/moderate/")
        expect(first.locator("details.flag").first).to_be_visible()
        first.screenshot(path=artifacts / "wb-03-queue.png", full_page=True)

        # Approve with the suggested topic, then look at the log.
        _open_editor(second)
        second.get_by_label(re.compile(r"^Calcinosis: calcium deposits under the skin")).check()
        second.get_by_role("button", name=re.compile(r"^Approve & next")).click()
        # The edits rewrote the author's words: they go to the author first (issue G).
        expect(
            second.get_by_role("status").filter(has_text="is now awaiting the author")
        ).to_be_visible()
        # "& next": the moderator lands on the next story of the same tab, not this one.
        expect(second).to_have_url(re.compile(r"/moderate/stories/\d+"))
        expect(second.get_by_role("heading", level=1)).not_to_have_text("Lumps on my fingers")
        second.goto(f"{live_server}/moderate/log")
        expect(second.locator("table.log tbody tr").first).to_contain_text("send to author")
        second.screenshot(path=artifacts / "wb-04-log.png", full_page=True)
    finally:
        first_context.close()
        second_context.close()

    admin_context = browser.new_context()
    try:
        admin = log_in_to_queue(admin_context, live_server, ADMIN_EMAIL, PASSWORD)
        admin.get_by_role("link", name="Admin", exact=True).click()
        admin.get_by_role("link", name="Moderators", exact=True).first.click()
        expect(admin.get_by_role("heading", level=1)).to_have_text("Moderators and admins")
        admin.screenshot(path=artifacts / "wb-05-admin-users.png", full_page=True)
        admin.get_by_role("link", name="Topics", exact=True).last.click()
        admin.get_by_role("link", name="Calcinosis: calcium deposits under the skin").click()
        expect(admin.get_by_label(re.compile("^Keywords"))).to_contain_text("calcinosi")
        admin.screenshot(path=artifacts / "wb-06-admin-topic.png", full_page=True)
        admin.get_by_role("link", name="Diagnoses", exact=True).last.click()
        admin.screenshot(path=artifacts / "wb-07-admin-diagnoses.png", full_page=True)
        admin.get_by_role("link", name="Reject reasons", exact=True).click()
        admin.get_by_label("Label (what moderators pick)").fill("Advertising")
        admin.get_by_label("Message to the author").fill("We do not publish advertising.")
        admin.get_by_role("button", name="Add preset").click()
        expect(admin.get_by_role("status")).to_have_text("Preset “Advertising” added.")
        admin.screenshot(path=artifacts / "wb-08-admin-reasons.png", full_page=True)
    finally:
        admin_context.close()


def test_workbench_pages_have_no_accessibility_violations(
    page: Page,
    live_server: str,
    app: Flask,
    demo: None,
    submit,  # type: ignore[no-untyped-def]
) -> None:
    submit(title=TITLE, body=BODY)
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    log_in(page, live_server, ADMIN_EMAIL, PASSWORD)
    page.get_by_role("link", name=TITLE).click()
    review = page.url
    axe = Axe()
    for url in (
        f"{live_server}/moderate/",
        review,
        f"{live_server}/moderate/log",
        f"{live_server}/admin/users",
        f"{live_server}/admin/topics",
        f"{live_server}/admin/topics/1",
        f"{live_server}/admin/diagnoses",
        f"{live_server}/admin/diagnoses/1",
        f"{live_server}/admin/reasons",
        f"{live_server}/account/password",
    ):
        page.goto(url)
        violations = axe.run(page).response["violations"]
        assert violations == [], (url, [(v["id"], v["nodes"][0]["target"]) for v in violations])
