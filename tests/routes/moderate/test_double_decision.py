"""A moderator's decision sent twice at once (a double click, a retried request) never
gives a 500: one of the two decides, the other is a redirect, a page or a 409.

Reported: the second "approve" for the same story and version hit a StaleDataError in an
autoflush while the review marker was released. Raced with threads against a real server
(SQLite or PostgreSQL, whichever the suite runs on), from ONE moderator's session.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from flask import Flask

from storyhub.models import StoryStatus
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.services.test_concurrent_writers import ALLOWED, ROUNDS, Browser, Scene, race


@pytest.fixture
def scene(app: Flask, default_diagnosis, moderator: Any, live_server: str) -> Scene:
    moderator_browser = Browser(live_server)
    moderator_browser.login(MODERATOR_EMAIL, MODERATOR_PASSWORD)
    # The second browser is unused: both requests come from the same moderator's session.
    return Scene(app, live_server, moderator_browser, Browser(live_server))


@pytest.mark.parametrize(
    ("action", "extra", "outcome"),
    [
        ("approve", {}, StoryStatus.PUBLISHED),
        ("reject", {"reason": "Not a patient story."}, StoryStatus.REJECTED),
    ],
)
def test_the_same_decision_posted_twice_at_once(
    scene: Scene, action: str, extra: dict[str, str], outcome: StoryStatus
) -> None:
    for round_ in range(ROUNDS):
        story_id, _token, _author = scene.new_story(f"Decided twice {action} {round_}")
        path = f"/moderate/stories/{story_id}"
        fields = scene.first.form(path, path)
        fields.update(extra, action=action)
        post = partial(scene.first.post, path, fields)

        answers = race(post, post)

        statuses = sorted(answer.status for answer in answers)
        assert all(status in ALLOWED for status in statuses), statuses
        # The decision is taken once: one request did it, the other was told or redirected.
        assert scene.story(story_id).status is outcome
        assert scene.decisions(story_id) == [action], statuses
        for answer in answers:
            if answer.status == 409:  # the loser is told, not shown an error page
                assert "Someone else changed this" in answer.html, answer.html[:2000]
