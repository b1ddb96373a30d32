"""The submitter's side in a real browser: draft autosave and restore, the live counter, the
diagnosis filter, the language question, the manage link in its states, translation, and
axe-core checks (0 violations) on the form and manage pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from storyhub.extensions import db
from storyhub.models import Story
from tests.plugins.browser import log_in
from tests.plugins.submission import decide

pytestmark = pytest.mark.browser

TITLE = "Warm gloves and slow mornings"
BODY = (
    "Every morning my fingers need twenty minutes before they work.\n\n"
    "I type this with dictation and a lot of patience, one paragraph at a time."
)
DRAFT_KEY = "storyhub:draft:submit"


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


def draft_saved_with(page: Page, text: str) -> None:
    """Wait (by polling the browser, not sleeping) until the draft holds `text`."""
    page.wait_for_function(
        "([key, text]) => { const d = localStorage.getItem(key);"
        " return d !== null && JSON.parse(d).values.body.includes(text); }",
        arg=[DRAFT_KEY, text],
    )


def fill_story(page: Page) -> None:
    page.get_by_label("Name to publish", exact=True).fill("A.M.")
    page.get_by_label("Limited cutaneous systemic sclerosis").check()
    page.get_by_label("Country", exact=True).select_option("IT")
    page.get_by_label("Language of your story", exact=True).select_option("en")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Your story", exact=True).fill(BODY)


def test_draft_is_kept_offered_back_and_cleared_after_sending(
    browser: Browser, live_server: str, demo: None, artifacts: Path
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{live_server}/submit")
        fill_story(page)
        draft_saved_with(page, "one paragraph at a time")
        page.close()  # the tab is closed (or the browser crashed) before sending

        page = context.new_page()
        page.goto(f"{live_server}/submit")
        offer = page.locator("[data-draft-offer]")
        expect(offer).to_be_visible()
        expect(offer).to_contain_text("You have an unsent draft from")
        expect(page.get_by_label("Your story", exact=True)).to_have_value("")
        page.screenshot(path=artifacts / "b01-form-draft-offer.png", full_page=True)
        assert_no_axe_violations(page)

        page.get_by_role("button", name="Restore my draft").click()
        expect(offer).to_be_hidden()
        expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
        expect(page.get_by_label("Your story", exact=True)).to_have_value(BODY)
        expect(page.get_by_label("Limited cutaneous systemic sclerosis")).to_be_checked()
        expect(page.get_by_label("Country", exact=True)).to_have_value("IT")
        expect(page.locator("#body-counter")).to_have_text(f"{len(BODY)} of 50,000 characters")
        expect(page.get_by_role("status").filter(has_text="Your draft is back")).to_have_count(1)

        page.get_by_label("I agree that this story").check()
        page.get_by_role("button", name="Submit story").click()
        expect(page.get_by_role("heading", name="your story has arrived")).to_be_visible()
        page.wait_for_function("key => localStorage.getItem(key) === null", arg=DRAFT_KEY)
        page.screenshot(path=artifacts / "b02-received.png", full_page=True)

        page.goto(f"{live_server}/submit")
        expect(page.locator("[data-draft-offer]")).to_be_hidden()
    finally:
        context.close()


def test_discarding_a_draft_forgets_it(page: Page, live_server: str, demo: None) -> None:
    page.goto(f"{live_server}/submit")
    page.get_by_label("Your story", exact=True).fill("A draft I do not want any more.")
    draft_saved_with(page, "do not want")
    page.reload()
    page.get_by_role("button", name="Discard it").click()
    expect(page.locator("[data-draft-offer]")).to_be_hidden()
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=DRAFT_KEY)


def test_live_counter_and_limit_message(
    page: Page, live_server: str, demo: None, artifacts: Path
) -> None:
    page.goto(f"{live_server}/submit")
    title = page.get_by_label("Title", exact=True)
    counter = page.locator("#title-counter")
    expect(counter).to_have_text("0 of 200 characters")
    title.fill("é" * 150)  # counted as people count letters, not as bytes
    expect(counter).to_have_text("150 of 200 characters")
    title.fill("x" * 205)
    expect(counter).to_have_text("205 characters: 5 over the limit of 200. Please shorten it.")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    assert "title-counter" in (title.get_attribute("aria-describedby") or "")
    expect(title).to_have_value("x" * 205)  # nothing was cut off
    page.screenshot(path=artifacts / "b03-counter-over.png", full_page=False)

    # The server says the same, and the problem summary takes the focus.
    page.get_by_role("button", name="Submit story").click()
    summary = page.locator(".summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please keep the title under 200 characters.")
    expect(page.get_by_label("Title", exact=True)).to_have_value("x" * 205)
    page.screenshot(path=artifacts / "b04-form-errors.png", full_page=True)
    assert_no_axe_violations(page)


def test_diagnosis_filter_by_keyboard(page: Page, live_server: str, demo: None) -> None:
    page.goto(f"{live_server}/submit")
    box = page.get_by_label("Find a diagnosis by name")
    box.focus()
    page.keyboard.type("morph")
    expect(page.get_by_label("Morphea")).to_be_visible()
    expect(page.get_by_label("Localized scleroderma")).to_be_visible()  # its parent, for context
    expect(page.get_by_label("Raynaud's phenomenon")).to_be_hidden()
    expect(page.locator(".filter .hint")).to_have_text("1 shown")
    page.keyboard.press("Enter")  # does not send the form
    expect(page).to_have_url(re.compile(r"/submit$"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("Morphea")).to_be_checked()
    box.fill("")
    expect(page.get_by_label("Raynaud's phenomenon")).to_be_visible()


def test_language_question_and_translation(
    page: Page, live_server: str, app: Flask, demo: None, moderator: object, artifacts: Path
) -> None:
    page.goto(f"{live_server}/submit")
    fill_story(page)
    page.get_by_label("Language of your story", exact=True).select_option("it")
    page.get_by_label("I agree that this story").check()
    page.get_by_role("button", name="Submit story").click()
    question = page.locator("#language-question")
    expect(question).to_contain_text("reads like English, but the language chosen is Italian")
    page.screenshot(path=artifacts / "b05-language-question.png", full_page=True)
    assert_no_axe_violations(page)
    page.get_by_label("Yes, the language I chose is right").check()
    page.get_by_role("button", name="Submit story").click()
    expect(page.get_by_role("heading", name="your story has arrived")).to_be_visible()

    with app.app_context():
        original = db.session.scalar(
            sa.select(Story).filter_by(title="Learning to live with winter")
        )
        original_id = original.id
    page.goto(f"{live_server}/stories/{original_id}/translate")
    expect(page.get_by_role("heading", name="Translate a story")).to_be_visible()
    page.screenshot(path=artifacts / "b06-translate.png", full_page=True)
    assert_no_axe_violations(page)
    page.get_by_label("Language of the translation", exact=True).select_option("es")
    page.get_by_label("Title in this language", exact=True).fill("Aprender a vivir con el invierno")
    page.get_by_label("The translated story", exact=True).fill(
        "He pasado la mayor parte de mi vida adulta con las manos frías, y durante mucho tiempo "
        "pensé simplemente que yo era así."
    )
    page.get_by_label("I agree that this translation").check()
    page.get_by_role("button", name="Send translation").click()
    expect(page.get_by_role("heading", name="your translation has arrived")).to_be_visible()

    # The moderator's queue shows the kind and the language flag.
    log_in(page, live_server)
    row = page.locator("tr").filter(has_text=TITLE)
    expect(row.locator(".flag-language")).to_contain_text("Chosen Italian, reads like English")
    expect(page.locator("tr").filter(has_text="Aprender a vivir")).to_contain_text("translation")
    page.screenshot(path=artifacts / "b14-queue-flags.png", full_page=True)


def test_form_on_a_small_phone(page: Page, live_server: str, demo: None, artifacts: Path) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server}/submit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    for label in ("Morphea", "I agree that this story"):
        box = page.get_by_label(label).locator("xpath=..").bounding_box()
        assert box is not None and box["height"] >= 44, (label, box)  # large touch targets
    page.screenshot(path=artifacts / "b15-form-phone.png", full_page=True)


def test_manage_link_in_its_states(
    page: Page, live_server: str, app: Flask, demo: None, moderator: object, artifacts: Path
) -> None:
    page.goto(f"{live_server}/submit")
    fill_story(page)
    page.get_by_label("I agree that this story").check()
    page.get_by_role("button", name="Submit story").click()
    page.locator("a.token").click()  # the private link (the footer's /my/ is another)
    expect(page.locator(".status")).to_contain_text("Waiting for a moderator")
    page.screenshot(path=artifacts / "b07-manage-pending.png", full_page=True)
    assert_no_axe_violations(page)
    manage_url = page.url

    with app.app_context():
        story_id = db.session.scalar(sa.select(Story.id).filter_by(title=TITLE))
    decide(app, story_id, "request_changes", reason="Could you add which gloves help most?")
    page.reload()
    expect(page.locator(".moderator-message")).to_contain_text("which gloves help most")
    page.screenshot(path=artifacts / "b08-manage-changes-requested.png", full_page=True)
    page.get_by_role("link", name="Change the text").click()
    body = page.get_by_label("Your story", exact=True)
    body.fill(BODY + "\n\nThe best gloves are thin silk ones under wool mittens.")
    page.screenshot(path=artifacts / "b09-edit.png", full_page=True)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Your changes are saved")).to_be_visible()
    expect(page.locator(".status")).to_contain_text("Waiting for a moderator")

    decide(app, story_id, "approve")
    page.reload()
    expect(page.locator(".status")).to_contain_text("Published")
    page.get_by_role("link", name="Add an update").click()
    page.get_by_label("Title of the update", exact=True).fill("A kinder spring")
    page.get_by_label("Your update", exact=True).fill("Spring came early and my hands are better.")
    page.get_by_role("button", name="Send update").click()
    expect(page.locator(".updates-status")).to_contain_text("(Update) A kinder spring")
    page.screenshot(path=artifacts / "b10-manage-published-with-update.png", full_page=True)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Withdraw").click()
    page.screenshot(path=artifacts / "b11-withdraw-confirm.png", full_page=True)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Withdraw my story").click()
    expect(page.locator(".status")).to_contain_text("Withdrawn by you")

    page.get_by_role("link", name="Erase everything").click()
    page.get_by_role("button", name="Erase everything").click()  # not confirmed yet
    expect(page.locator("#confirm-error")).to_have_text("Please tick the box to confirm.")
    page.screenshot(path=artifacts / "b12-erase-confirm.png", full_page=True)
    assert_no_axe_violations(page)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase everything").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erased")
    assert page.url == manage_url
    page.screenshot(path=artifacts / "b13-manage-erased.png", full_page=True)
