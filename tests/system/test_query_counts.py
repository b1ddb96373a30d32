"""Public pages run a fixed number of SQL queries, however many stories there are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services.tools.synthetic import generate_stories

PAGES = [
    "/",
    "/stories/",
    "/stories/?language=it",
    "/topics/calcinosis",
    "/diagnoses/systemic-sclerosis",
    "/languages/en",
]
# Per page, whatever the number of stories. A topic or diagnosis page: its rows, their
# diagnoses, their translations (the heading comes from the taxonomy kept per generation). The
# full listing adds its filter menus; the story page loads its links, languages, updates and
# related stories; the home page several short lists.
BUDGET = {
    "/": 15,
    "/stories/": 8,
    "/stories/?language=it": 8,
    # +2 when the listing is shorter than a page: the walk within catalog.SCAN_WINDOW after
    # the one within FIRST_WINDOW, and whether stories lie past the window.
    "/topics/calcinosis": 6,
    "/diagnoses/systemic-sclerosis": 6,
    "/languages/en": 6,
    "story": 16,
}


@contextmanager
def counting(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _queries_per_page(app, round_: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    counts = {}
    for page in PAGES:
        url = f"{page}{'&' if '?' in page else '?'}round={round_}"  # a URL the cache has not seen
        with counting(app) as statements:
            assert client.get(url).status_code == 200
        counts[page] = len(statements)
    with app.app_context():
        story_id = db.session.scalar(sa.select(Story.id).where(Story.status == "published"))
    with counting(app) as statements:
        assert client.get(f"/stories/{story_id}?round={round_}", follow_redirects=True).status_code
    counts["story"] = len(statements)
    return counts


def test_queries_do_not_grow_with_the_number_of_stories(app, demo):
    with app.app_context():
        generate_stories(20, seed=3)
    few = _queries_per_page(app, 1)
    with app.app_context():
        generate_stories(300, seed=4)
    many = _queries_per_page(app, 2)
    # Eager loading may skip a query when no row needs it, so counts can differ a little by
    # data shape; what matters is that neither depends on how many stories a page lists.
    over = {page: (few[page], many[page]) for page, budget in BUDGET.items()
            if max(few[page], many[page]) > budget}  # fmt: skip
    assert not over, over


def test_topic_page_lists_a_page_of_teasers_and_links_to_more(app, client, demo):
    app.config["STORIES_PER_PAGE"] = 5
    with app.app_context():
        generate_stories(300, seed=5)
    html = client.get("/topics/calcinosis").get_data(as_text=True)
    assert html.count('<li class="teaser" ') == 5  # originals; translations nest under them
    more = re.search(r'<a rel="next" href="(/stories/\?[^"]+)"', html)
    assert more and "topic=calcinosis" in more.group(1) and "after=" in more.group(1)
    following = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert following.count('<li class="teaser" ') == 5
