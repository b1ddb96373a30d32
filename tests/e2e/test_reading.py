"""Every public page type, in English and Italian, in Chromium: no axe-core violations, no
sideways scrolling on a 360 px phone or at 200 % zoom, no layout shift, visible focus,
readable without JavaScript, and a print stylesheet. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from storyhub.extensions import db
from storyhub.models import Story

pytestmark = pytest.mark.browser

# 200 % zoom of a 1280 px window lays the page out like a 640 px one.
WIDTHS = {"phone": 360, "zoom200": 640}
PAGE_TYPES = {
    "home": "/",
    "stories": "/stories/?diagnosis=systemic-sclerosis",
    "story": None,  # filled in: a story with a translation and an update
    "translation": None,
    "diagnoses": "/diagnoses/",
    "diagnosis": "/diagnoses/systemic-sclerosis",
    "topics": "/topics/",
    "topic": "/topics/calcinosis",
    "language": "/languages/it",
    "search": "/search?q=gloves",
    "search-empty": "/search?q=qwertyuiop",
    "not-found": "/stories/999999",
}
CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


def _paths(app) -> dict[str, str]:
    with app.app_context():

        def story_path(title: str) -> str:
            story_id = db.session.scalar(sa.select(Story.id).filter_by(title=title))
            return f"/stories/{story_id}"

        paths = dict(PAGE_TYPES)
        paths["story"] = story_path("Learning to live with winter")
        paths["translation"] = story_path("The little stones under my skin")
    return paths


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("ui", ["en", "it"])
def test_every_page_type_is_accessible_and_fits_small_screens(
    browser: Browser, app, live_server: str, demo: None, artifacts: Path, ui: str
) -> None:
    axe = Axe()
    context = browser.new_context(viewport={"width": WIDTHS["phone"], "height": 800})
    page = context.new_page()
    problems: list[str] = []
    try:
        for name, path in _paths(app).items():
            separator = "&" if "?" in path else "?"
            page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
            response = page.goto(f"{live_server}{path}{separator}lang={ui}")
            assert response is not None
            expect(page.locator("html")).to_have_attribute("lang", ui)
            # The page's own layout shift, measured before the full-page screenshot resizes the
            # viewport (the observer is buffered: it would count the test's resize too).
            shift = page.evaluate(CLS_SCRIPT)
            if shift > 0:
                problems.append(f"{name}: layout shift {shift}")
            page.screenshot(path=artifacts / f"read-{name}-{ui}-360.png", full_page=True)
            results = axe.run(page)
            if results.violations_count:
                problems.append(f"{name}: {results.generate_report()}")
            for label, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 800})
                if _overflow(page) > 0:
                    problems.append(f"{name}: scrolls sideways at {label} ({width}px)")
            if name in ("home", "story"):
                page.set_viewport_size({"width": 1280, "height": 900})
                page.screenshot(path=artifacts / f"read-{name}-{ui}-1280.png", full_page=True)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_focus_is_visible_and_the_skip_link_works(page: Page, live_server: str, demo: None):
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # on screen once focused
    style = skip.evaluate(
        "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert style[0] == "solid" and float(style[1].removesuffix("px")) >= 2
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused  # the next Tab lands inside the main content
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert width >= 2


def test_reading_needs_no_javascript(browser: Browser, app, live_server: str, demo: None):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}{_paths(app)['story']}")
        expect(page.get_by_role("heading", name="Learning to live with winter")).to_be_visible()
        expect(page.get_by_text("Six months on, and a kinder winter")).to_be_visible()
        page.goto(f"{live_server}/stories/")
        page.get_by_label("Language", exact=True).select_option("es")
        page.get_by_role("button", name="Show stories").click()
        expect(page.get_by_text("Lucía:")).to_be_visible()
        page.get_by_label("Search stories").fill("gloves")
        page.get_by_label("Search stories").press("Enter")
        expect(page.locator("mark").first).to_be_visible()
        assert page.locator("script").count() == 0  # the reader pages ship no script at all
    finally:
        context.close()


def test_print_shows_the_story_without_navigation(page: Page, app, live_server: str, demo: None,
                                                  artifacts: Path):  # fmt: skip
    page.goto(f"{live_server}{_paths(app)['story']}")
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("footer.site")).to_be_hidden()
    expect(page.locator(".related")).to_be_hidden()
    expect(page.get_by_role("heading", name="Learning to live with winter")).to_be_visible()
    link_after = page.locator(".story .body a[href^='http']").first.evaluate(
        "el => getComputedStyle(el, '::after').content"
    )
    assert "example.org/support-group" in link_after
    page.screenshot(path=artifacts / "read-story-print.png", full_page=True)
