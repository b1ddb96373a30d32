"""What the browser tests (tests/e2e/) share besides their fixtures: logging in as a person does."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD


def log_in(
    page: Page, base: str, email: str = MODERATOR_EMAIL, password: str = MODERATOR_PASSWORD
) -> Page:
    """Fill and send the login form at `base`/login; return the page (then on the queue)."""
    page.goto(f"{base}/login")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    return page


def log_in_to_queue(context: BrowserContext, base: str, email: str, password: str) -> Page:
    """A moderator in a browser context of their own, logged in and on the queue."""
    page = log_in(context.new_page(), base, email, password)
    expect(page).to_have_url(re.compile(r"/moderate/$"))
    return page
