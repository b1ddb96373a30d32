"""Issue 15.8 in a browser: the queue says when another moderator opens a story and marks it
once they decide it, without a reload (the page polls /moderate/presence.json every
PRESENCE_POLL_SECONDS, shortened here so the test does not wait 20 s); axe finds nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, expect

from tests.plugins.browser import log_in_to_queue
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.plugins.workbench import PASSWORD, SECOND_EMAIL, make_user, story_id_by_title

pytestmark = pytest.mark.browser

TITLE = "Learning to type again"


def test_the_queue_shows_others_opening_and_deciding_without_a_reload(
    browser: Browser,
    live_server: str,
    app: Flask,
    demo: None,
    moderator: object,
    submit,  # type: ignore[no-untyped-def]
    artifacts: Path,
) -> None:
    app.config["PRESENCE_POLL_SECONDS"] = 0.5
    submit()
    story_id = story_id_by_title(app, TITLE)
    make_user(app, SECOND_EMAIL)
    first_context = browser.new_context(viewport={"width": 1280, "height": 800})
    second_context = browser.new_context()
    try:
        first = log_in_to_queue(first_context, live_server, MODERATOR_EMAIL, MODERATOR_PASSWORD)
        expect(first.locator(".workbench[data-poll-seconds='0.5']")).to_have_count(1)
        first.evaluate("window.notReloaded = true")
        status = first.locator(f'[data-story="{story_id}"]').locator(
            "xpath=ancestor-or-self::tr[1]//*[@data-live-status]"
        )
        expect(status).to_have_text("")

        second = log_in_to_queue(second_context, live_server, SECOND_EMAIL, PASSWORD)
        second.goto(f"{live_server}/moderate/stories/{story_id}")
        expect(second.get_by_role("heading", level=1)).to_have_text(TITLE)

        # The first moderator's queue learns it by itself.
        expect(status).to_have_text(
            re.compile(rf"^Another moderator has this open: {re.escape(SECOND_EMAIL)}")
        )
        second.get_by_role("button", name=re.compile(r"^Approve & next")).click()
        expect(second.get_by_role("status")).to_contain_text(f"Story {story_id} is now published")

        expect(status).to_have_text("Decided by another moderator: now published")
        row = first.locator(f'[data-story="{story_id}"]').locator("xpath=ancestor-or-self::tr[1]")
        expect(row).to_have_class(re.compile(r"\bdecided\b"))
        # Announced to screen readers, and the page was never reloaded.
        expect(
            first.locator("[aria-live]").filter(has_text="was decided by another")
        ).to_have_count(1)
        assert first.evaluate("window.notReloaded === true")
        # A flag chip's detail opens from the keyboard (issue 15.5): focus, Enter.
        chip = row.locator("details.flag").first
        chip.locator("summary").focus()
        first.keyboard.press("Enter")
        expect(chip).to_have_attribute("open", "")
        first.screenshot(path=artifacts / "queue-presence-decided-1280.png", full_page=True)
        results = Axe().run(first)
        assert results.violations_count == 0, results.generate_report()
    finally:
        first_context.close()
        second_context.close()
