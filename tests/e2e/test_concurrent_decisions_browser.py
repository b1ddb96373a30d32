"""Two moderators in two browsers press a decision on the same story at the same moment: one
decision is stored, the other moderator sees the 409 page with what changed and their reason
still in the form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from storyhub.extensions import db
from storyhub.models import ModerationEvent
from tests.plugins.browser import log_in_to_queue
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.plugins.workbench import PASSWORD, SECOND_EMAIL, make_user, story_id_by_title

pytestmark = pytest.mark.browser

TITLE = "Learning to type again"
REASON = "Please say which country you live in, then send it again."


def _moderator(context: BrowserContext, base: str, email: str, password: str) -> Page:
    page = log_in_to_queue(context, base, email, password)
    page.get_by_role("link", name=TITLE).click()
    return page


def test_two_moderators_decide_at_the_same_moment(
    browser: Browser,
    live_server: str,
    app: Flask,
    demo: None,
    moderator: object,
    submit,  # type: ignore[no-untyped-def]
    artifacts: Path,
) -> None:
    submit()
    make_user(app, SECOND_EMAIL)
    contexts = [browser.new_context(), browser.new_context()]
    try:
        first = _moderator(contexts[0], live_server, MODERATOR_EMAIL, MODERATOR_PASSWORD)
        second = _moderator(contexts[1], live_server, SECOND_EMAIL, PASSWORD)
        second.locator("#reason").fill(REASON)
        review = re.compile(r"/moderate/stories/\d+$")
        with (
            first.expect_response(review) as approved,
            second.expect_response(review) as rejected,
        ):
            first.get_by_role("button", name="Approve").click(no_wait_after=True)
            second.get_by_role("button", name="Reject").click(no_wait_after=True)
        statuses = sorted([approved.value.status, rejected.value.status])
        assert statuses in ([302, 409], [302, 302]), statuses
        loser = second if rejected.value.status == 409 else first
        if statuses == [302, 409]:
            expect(loser.locator(".alert").first).to_contain_text("Someone else changed this")
            if loser is second:
                expect(second.locator("#reason")).to_have_value(REASON)
            loser.screenshot(path=str(artifacts / "concurrent-decisions-409.png"), full_page=True)
        with app.app_context():
            decisions = db.session.scalars(
                db.select(ModerationEvent.action).where(
                    ModerationEvent.story_id == story_id_by_title(app, TITLE),
                    ModerationEvent.action != "submit",
                )
            ).all()
        assert len(decisions) == 1
    finally:
        for context in contexts:
            context.close()
