"""Finding stories in Chromium: the new page shapes (search with named diagnoses, filters and
suggestions, filtered listings with chips, a diagnosis page with its description, "stories
like mine") have no axe-core violations in English and Italian and fit a 375 px phone, whose
header takes one line plus the menu; sizes follow the browser's font size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from storyhub.extensions import db
from storyhub.models import Story

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "search-named": "/search?q=Raynaud%E2%80%99s+phenomenon",
    "search-filtered": "/search?q=raynaud&language=it&country=IT",
    "search-suggestions": "/search?q=raynud+zebra",
    "listing-chips": "/stories/?language=it&diagnosis=raynauds-phenomenon",
    "diagnosis": "/diagnoses/raynauds-phenomenon",
    "topics": "/topics/",
    "like": None,
}


@pytest.mark.parametrize("ui", ["en", "it"])
def test_new_pages_are_accessible_on_a_phone(
    browser: Browser, app, live_server: str, demo: None, artifacts: Path, ui: str
) -> None:
    with app.app_context():
        sarah = db.session.scalar(
            sa.select(Story.id).filter_by(title="Learning to live with winter")
        )
    paths = {**PAGES, "like": f"/stories/{sarah}/like"}
    axe = Axe()
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    problems: list[str] = []
    try:
        for name, path in paths.items():
            separator = "&" if "?" in path else "?"
            page.goto(f"{live_server}{path}{separator}lang={ui}")
            page.screenshot(path=artifacts / f"find-{name}-{ui}-375.png", full_page=True)
            results = axe.run(page)
            if results.violations_count:
                problems.append(f"{name}: {results.generate_report()}")
            if page.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 0:
                problems.append(f"{name}: scrolls sideways at 375 px")
            # The brand, "Share your story" and the language menu share the first line;
            # the menu follows.
            # (each element's box overlaps all the others vertically: one line).
            one_line = page.evaluate(
                "(() => { const boxes = [...document.querySelectorAll('header.site .bar > *')]"
                ".map(e => e.getBoundingClientRect());"
                " return Math.max(...boxes.map(b => b.top))"
                " < Math.min(...boxes.map(b => b.bottom)); })()"
            )
            if not one_line:
                problems.append(f"{name}: brand and languages on more than one line")
            below_menu = page.evaluate(
                "document.querySelector('header.site').getBoundingClientRect().bottom"
                " - document.querySelector('header.site nav.main-nav').getBoundingClientRect()"
                ".bottom"
            )
            if below_menu > 20:  # the header search became a menu link
                problems.append(f"{name}: {below_menu}px of header below the menu")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_text_sizes_follow_the_browser_font_size(browser: Browser, live_server: str, demo):
    # A reader who set a larger default font in the browser gets larger text everywhere.
    css = (ROOT / "storyhub" / "static" / "site.css").read_text()
    assert not re.search(r"font(-size)?:[^;]*\dpx", css)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/diagnoses/raynauds-phenomenon")
    sizes = (
        "[...document.querySelectorAll('h1, .lede, .teaser-title, .teaser-meta')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    normal = page.evaluate(sizes)
    page.evaluate("document.documentElement.style.fontSize = '150%'")  # as a 24 px default
    larger = page.evaluate(sizes)
    context.close()
    assert all(big > small * 1.2 for big, small in zip(larger, normal, strict=True))


def test_a_story_prints_without_the_site_around_it(browser: Browser, app, live_server, demo):
    with app.app_context():
        sarah = db.session.scalar(
            sa.select(Story.id).filter_by(title="Learning to live with winter")
        )
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/stories/{sarah}")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "['header.site', 'footer.site', '.related', '.like']"
        ".map(s => document.querySelector(s)).filter(Boolean)"
        ".map(e => getComputedStyle(e).display)"
    )
    assert hidden and set(hidden) == {"none"}
    assert page.locator("h1").is_visible()
    context.close()
