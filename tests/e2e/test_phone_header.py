"""The site header on a 375 px phone, in English, Italian and Spanish: two lines at most (the
brand, "Share your story" and a small language menu; then the menu), no sideways scrolling
(also at 320 px), no axe-core violations, and every header link reachable by keyboard,
including the languages folded into the menu. Wide screens keep the full language names."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from storyhub.extensions import db
from storyhub.models import Story

pytestmark = pytest.mark.browser

SHOTS = Path("/work/helpers/shots/fix16")

# Rows of the header's visible interactive elements (not the skip link, off screen until
# focused): boxes overlapping vertically share a row.
HEADER_ROWS = """(() => {
  const links = 'header.site a, header.site summary, header.site button';
  const boxes = [...document.querySelectorAll(links)]
    .filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect())
    .filter(b => b.width > 0 && b.right > 0)
    .sort((a, b) => a.top - b.top);
  const rows = [];
  for (const b of boxes) {
    const row = rows.find(r => b.top < r.bottom && b.bottom > r.top);
    if (row) { row.top = Math.min(row.top, b.top); row.bottom = Math.max(row.bottom, b.bottom); }
    else rows.push({top: b.top, bottom: b.bottom});
  }
  return rows.length;
})()"""
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
HEADER_HEIGHT_REM = """document.querySelector('header.site').getBoundingClientRect().height
  / parseFloat(getComputedStyle(document.documentElement).fontSize)"""


def story_paths(app) -> list[str]:
    with app.app_context():
        story_id = db.session.scalar(
            sa.select(Story.id).filter_by(title="Learning to live with winter")
        )
    return ["/", "/stories/", f"/stories/{story_id}"]


def shoot(page: Page, name: str) -> None:
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}.png")


@pytest.mark.parametrize("ui", ["en", "it", "es"])
def test_phone_header_takes_two_lines(
    browser: Browser, app, live_server: str, demo: None, ui: str
) -> None:
    axe = Axe()
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    problems: list[str] = []
    try:
        for path in story_paths(app):
            page.goto(f"{live_server}{path}?lang={ui}")
            rows = page.evaluate(HEADER_ROWS)
            if rows > 2:
                problems.append(f"{path}: header links in {rows} rows")
            height = page.evaluate(HEADER_HEIGHT_REM)
            if height > 7:  # two 2.75rem rows, the gap and the padding
                problems.append(f"{path}: header {height:.2f}rem high")
            if page.evaluate(SIDEWAYS) > 0:
                problems.append(f"{path}: scrolls sideways at 375 px")
            results = axe.run(page)
            if results.violations_count:
                problems.append(f"{path}: {results.generate_report()}")
        shoot(page, f"story-phone-{ui}")
        page.goto(f"{live_server}/stories/?lang={ui}")
        shoot(page, f"listing-phone-{ui}")
        page.locator("header.site summary").click()
        shoot(page, f"listing-phone-{ui}-languages-open")
        results = axe.run(page)
        if results.violations_count:
            problems.append(f"languages open: {results.generate_report()}")
        page.set_viewport_size({"width": 320, "height": 740})
        for path in story_paths(app):
            page.goto(f"{live_server}{path}?lang={ui}")
            if page.evaluate(SIDEWAYS) > 0:
                problems.append(f"{path}: scrolls sideways at 320 px")
        shoot(page, f"listing-320-{ui}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_phone_language_menu_works_by_keyboard(
    browser: Browser, live_server: str, demo: None
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/stories/")
        header = page.locator("header.site")
        reached: list[str] = []
        page.keyboard.press("Tab")  # the skip link
        for _ in range(8):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        assert reached[:3] == ["storyhub", "Share your story", "Interface language: EN"]
        assert reached[3:7] == ["Stories", "Diagnoses", "Topics", "Search"]
        # Open the language menu from the keyboard and switch to Spanish.
        header.locator("summary").focus()
        page.keyboard.press("Enter")
        spanish = header.get_by_role("link", name="Español")
        expect(spanish).to_be_visible()
        assert spanish.get_attribute("lang") == "es"
        assert spanish.bounding_box()["height"] >= 44
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        # Until the stylesheet has loaded both "Share" links count as visible (the phone's and
        # the wide header's), and a locator matching two fails at once instead of waiting.
        page.wait_for_load_state("load")
        expect(header.get_by_role("link", name="Comparta su historia")).to_be_visible()
    finally:
        context.close()


def test_wide_header_keeps_the_language_names(
    browser: Browser, live_server: str, demo: None
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/stories/?lang=it")
        header = page.locator("header.site")
        for name in ("English", "Italiano", "Español"):
            expect(header.get_by_role("link", name=name)).to_be_visible()
        expect(header.locator("summary")).to_be_hidden()
        expect(header.get_by_role("link", name="Racconta la tua storia")).to_have_count(1)
        expect(header.get_by_role("search")).to_be_visible()
        shoot(page, "listing-desktop-it")
    finally:
        context.close()
