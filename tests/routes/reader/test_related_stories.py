"""A story page's "Related stories": chosen among the stories submitted before it that share a
diagnosis (most diagnoses shared first, then the nearest), so a story published later never
changes an older story's page; only the first stories of a diagnosis, with fewer than five
before them, also show the earliest later ones. Through the test client, page cache on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask.testing import FlaskClient

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus

A, B = "raynauds-phenomenon", "calcinosis-cutis"


def _page(client: FlaskClient, story_id: int) -> tuple[list[int], str | None]:
    """The ids in the story's related list, in order, and whether the page cache served it."""
    response = client.get(f"/stories/{story_id}", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = re.search(r'<section class="related".*?</section>', html, re.S)
    ids = (
        [int(n) for n in re.findall(r'href="/stories/(\d+)-', section.group(0))] if section else []
    )
    return list(dict.fromkeys(ids)), response.headers.get("X-Cache")


def _set_status(app, story_id: int, status: StoryStatus) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        story = db.session.get(Story, story_id)
        story.status = status
        if status is StoryStatus.PUBLISHED:
            story.published_at = datetime.now(UTC)
        db.session.commit()


def test_most_shared_first_then_the_nearest_earlier(client, make_story):
    both_old = make_story(title="Both, long ago", diagnoses=[A, B])
    one = [make_story(title=f"Cold hands {n}", diagnoses=[A]) for n in range(4)]
    both_new = make_story(title="Both, recently", diagnoses=[A, B])
    other = make_story(title="Something else", diagnoses=["morphea"])
    story = make_story(title="Mine", diagnoses=[A, B])
    later = make_story(title="After mine", diagnoses=[A, B])
    related, _ = _page(client, story)
    assert related == [both_new, both_old, one[3], one[2], one[1]]
    assert other not in related and later not in related and story not in related


def test_a_later_story_leaves_an_older_storys_page_alone(client, make_story):
    earlier = [make_story(title=f"Winter {n}", diagnoses=[A]) for n in range(5)]
    story = make_story(title="Mine", diagnoses=[A])
    before, _ = _page(client, story)
    assert before == earlier[::-1]
    assert _page(client, story)[1] == "hit"
    newer = make_story(title="Published after mine", diagnoses=[A])
    assert _page(client, story) == (before, "hit")  # still served from the cache, unchanged
    assert _page(client, newer)[0][0] == story  # the new story's page lists it, nearest first


def test_the_first_stories_of_a_diagnosis_show_later_ones(client, make_story):
    first = make_story(title="The first", diagnoses=[A])
    second = make_story(title="The second", diagnoses=[A])
    assert _page(client, first)[0] == [second]
    third = make_story(title="The third", diagnoses=[A])
    assert _page(client, first) == ([second, third], "miss")
    assert _page(client, third)[0] == [second, first]


def test_a_withdrawn_story_leaves_the_lists_that_showed_it(app, client, make_story):
    stories = [make_story(title=f"Gloves {n}", diagnoses=[A]) for n in range(7)]
    newest = stories[-1]
    shown = _page(client, newest)[0]
    assert shown == stories[-2:-7:-1]
    _set_status(app, stories[-2], StoryStatus.WITHDRAWN)
    related, cache = _page(client, newest)
    assert related == stories[-3::-1][:5] and stories[-2] not in related and cache == "miss"


def test_a_story_approved_late_enters_the_lists_of_the_stories_after_it(app, client, make_story):
    early = [make_story(title=f"Early {n}", diagnoses=[A]) for n in range(5)]
    waiting = make_story(title="Waited a long time", diagnoses=[A], status="pending")
    after = make_story(title="Published meanwhile", diagnoses=[A])
    newest = make_story(title="Newest", diagnoses=[A])
    assert _page(client, newest)[0] == [after, *early[::-1][:4]]
    assert _page(client, newest)[1] == "hit"
    _set_status(app, waiting, StoryStatus.PUBLISHED)  # its id is older than theirs
    assert _page(client, newest) == ([after, waiting, *early[::-1][:3]], "miss")
    assert _page(client, waiting)[0] == early[::-1]
