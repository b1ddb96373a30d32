"""Related stories through the page cache: story pages and "stories like" pages list stories
chosen among their neighbours (the nearest earlier stories under each diagnosis), so a change
makes stale only the pages whose neighbours hold the changed story. After each change, every
cached page must equal what the app renders without the cache (byte for byte), and the pages
of stories further up the diagnosis must still be cache hits.

The window is made small (catalog.NEIGHBOURS = 3), so that a dozen stories show it sliding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.services import catalog

A = "raynauds-phenomenon"
CROWD = 11  # published stories under A, s0 … s10; a pending one waits between s2 and s3


def _get(client: FlaskClient, url: str) -> tuple[int, bytes, str | None]:
    response = client.get(url, headers={"Accept-Language": "en"}, follow_redirects=True)
    return response.status_code, response.get_data(), response.headers.get("X-Cache")


def _change(app: Flask, story_id: int, change: Callable[[Story], None]) -> None:
    with app.app_context():
        change(db.session.get(Story, story_id))
        db.session.commit()


def _publish(story: Story) -> None:
    story.status = StoryStatus.PUBLISHED
    story.published_at = datetime.now(UTC)


def _withdraw(story: Story) -> None:
    story.status = StoryStatus.WITHDRAWN


def _retitle(story: Story) -> None:
    story.title = "Gloves in June"


# change → (what it does to which story, the crowd's pages that must show it, those that must
# still be cache hits). Pages of s0 … s2 take later stories too (fewer than 3 before them) and
# carry the diagnosis's tag: any change under it makes them stale, as it should.
CHANGES = {
    "an old story approved late": ("waiting", _publish, [3, 4, 5], [6, 7, 8, 9, 10]),
    "a story shown in related lists withdrawn": (5, _withdraw, [6, 7, 8], [3, 4, 9, 10]),
    "a story shown in related lists edited": (5, _retitle, [6, 7, 8], [3, 4, 9, 10]),
    "a new story published": ("new", _publish, [], [3, 4, 5, 6, 7, 8, 9, 10]),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_only_the_pages_whose_neighbours_hold_a_story_change(
    name: str, app: Flask, make_story, uncached: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "NEIGHBOURS", 3)
    crowd = [make_story(title=f"Cold hands {n}", diagnoses=[A]) for n in range(3)]
    waiting = make_story(title="Waited a long time", diagnoses=[A], status="pending")
    crowd += [make_story(title=f"Cold hands {n}", diagnoses=[A]) for n in range(3, CROWD)]
    elsewhere = make_story(title="Another diagnosis", diagnoses=["morphea"])
    pages = {n: [f"/stories/{i}", f"/stories/{i}/like"] for n, i in enumerate(crowd)}
    urls = [url for both in pages.values() for url in both]
    urls += [f"/stories/{elsewhere}", f"/stories/{elsewhere}/like", "/diagnoses/morphea"]
    reader = app.test_client()
    before = {}
    for url in urls:
        before[url] = _get(reader, url)
        assert _get(reader, url)[2] == "hit", url
    which, change, changed, unrelated = CHANGES[name]
    if which == "new":
        target = make_story(title="Newest", diagnoses=[A], status="pending")
    else:
        target = waiting if which == "waiting" else crowd[int(which)]
    _change(app, target, change)
    stale, served_from = [], {}
    for url in urls:
        served, truth = _get(reader, url), _get(uncached, url)
        served_from[url] = served[2]
        if served[:2] != truth[:2]:
            stale.append(url)
    assert stale == [], f"stale after {name}"
    for n in changed:
        for url in pages[n]:
            assert _get(uncached, url)[1] != before[url][1], f"{url} should show the change"
    for url in [url for n in unrelated for url in pages[n]] + urls[-3:]:
        assert served_from[url] == "hit", f"{url} was made stale by {name}"
