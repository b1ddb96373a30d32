"""A form the server has just given back filled in (a question asked back, a validation error)
offers no "Restore my draft": the draft says nothing the page does not already hold. A draft
that differs is still offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_submission_browser import draft_saved_with
from tests.routes.submit.test_form import ENGLISH_BODY

pytestmark = pytest.mark.browser


def fill(page: Page, body: str, language: str = "en") -> None:
    page.get_by_label("Name to publish", exact=True).fill("A.M.")
    page.get_by_label("Limited cutaneous systemic sclerosis").check()
    page.get_by_label("Country", exact=True).select_option("IT")
    page.get_by_label("Language of your story", exact=True).select_option(language)
    page.get_by_label("Title", exact=True).fill("Mornings  with gloves ")
    page.get_by_label("Your story", exact=True).fill(body)


def test_no_offer_above_a_form_the_server_refilled(
    page: Page, live_server: str, demo: None, artifacts: Path
) -> None:
    page.goto(f"{live_server}/submit")
    fill(page, ENGLISH_BODY + "\n\nLast line with trailing spaces.   ", language="it")
    draft_saved_with(page, "Last line")
    page.get_by_label("I agree that this story").check()
    page.get_by_role("button", name="Submit story").click()
    # The language question: the same words come back from the server.
    expect(page.locator("#language-question")).to_be_visible()
    expect(page.locator("[data-draft-offer]")).to_be_hidden()
    page.screenshot(path=artifacts / "b20-refilled-no-draft-offer.png", full_page=True)

    # A validation error after a further edit: still nothing to offer.
    page.get_by_label("Title", exact=True).fill("")
    draft_saved_with(page, "Last line")
    page.get_by_role("button", name="Submit story").click()
    expect(page.get_by_label("Title", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-draft-offer]")).to_be_hidden()

    # A draft with other words than the page is still offered.
    page.goto(f"{live_server}/submit")
    expect(page.locator("[data-draft-offer]")).to_be_visible()
