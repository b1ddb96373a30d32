"""A moderator's decision is confirmed as a sentence about what happens next, not a state name
("Story 10 now waits for the author's changes", not "Story 10 is now changes requested")."""

from __future__ import annotations

from tests.plugins.submission import story_id
from tests.plugins.workbench import post_review


def review_and(client, sid: int, action: str, reason: str = ""):  # type: ignore[no-untyped-def]
    response = post_review(client, sid, action, reason=reason)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client.get(response.headers["Location"])


def test_each_decision_is_said_as_a_sentence(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit(title="First story here")
    submit(title="Second story here", email="second@example.net")
    auth.login()
    first, second = story_id(app, "First story here"), story_id(app, "Second story here")
    html = review_and(client, first, "request_changes", "Which gloves?").get_data(as_text=True)
    assert f"Story {first} now waits for the author&#39;s changes." in html
    assert "is now changes requested" not in html
    html = review_and(client, second, "reject", "A duplicate.").get_data(as_text=True)
    assert f"Story {second} will not be published; its author is told why." in html
