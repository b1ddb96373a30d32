"""Public pages run a fixed number of SQL queries, however many stories there are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services.synthetic import generate_stories

PAGES = [
    "/",
    "/stories/",
    "/stories/?language=it",
    "/topics/calcinosis",
    "/diagnoses/systemic-sclerosis",
    "/languages/en",
]
MAX_QUERIES = 20  # the story page: story, links, languages, updates, related stories


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
    assert max(few.values()) <= MAX_QUERIES, few
    assert max(many.values()) <= MAX_QUERIES, many
