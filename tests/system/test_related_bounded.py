"""A story page's related stories and its "stories like" page cost the same at any size.

Both used to count, for every story sharing a diagnosis, how many it shares: a GROUP BY over
every story of those diagnoses, so a story page grew with the site. They now choose among the
story's neighbours (catalog/neighbours.py): under each diagnosis a walk of the index
(diagnosis_id, story_id) down from the story, stopping after catalog.NEIGHBOURS public
originals. Measured as SQLite counts work (virtual machine instructions, through its progress
handler), not with a timer: the same pages do the same work at ten times the stories. And the
walk's plan, on SQLite and PostgreSQL, is an index range with a LIMIT, nothing read whole.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.services.catalog import neighbours
from storyhub.services.tools.synthetic import generate_stories
from tests.plugins.app import TEST_DATABASE_URL
from tests.plugins.sqlite_work import STEP, sqlite_work

ON_SQLITE = TEST_DATABASE_URL.startswith("sqlite")


def _work(app, client, url: str) -> int:  # type: ignore[no-untyped-def]
    """Instructions for one request of `url` (a query parameter the view does not read keeps
    the page cache out), after a first request has filled what is kept per generation."""
    assert client.get(f"{url}?fill=1").status_code == 200, url
    with sqlite_work(app) as ticks:
        assert client.get(f"{url}?measure=1").status_code == 200, url
    return ticks[0] * STEP


def _canonical(client, story_id: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/stories/{story_id}")
    assert response.status_code == 301
    return re.sub(r"^https?://[^/]+", "", response.headers["Location"])


def _newest_original(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.max(Story.id)).where(
                Story.status == StoryStatus.PUBLISHED, Story.translation_of_id.is_(None)
            )
        )


@pytest.mark.skipif(not ON_SQLITE, reason="counts SQLite's virtual machine instructions")
def test_story_and_like_pages_do_the_same_work_at_ten_times_the_stories(app, demo):
    client = app.test_client()
    work: dict[str, list[int]] = {}
    for size, seed in ((400, 1), (3600, 2)):
        with app.app_context():
            generate_stories(size, seed=seed)
        newest = _newest_original(app)
        urls = {
            "first story": _canonical(client, 1),
            "first story, like": "/stories/1/like",
            "newest story": _canonical(client, newest),
            "newest story, like": f"/stories/{newest}/like",
        }
        for name, url in urls.items():
            work.setdefault(name, []).append(_work(app, client, url))
    grown = {name: (small, large) for name, (small, large) in work.items() if large > 1.3 * small}
    assert not grown, grown


def _plans(app, story_id: int, diagnosis_ids: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    """The plan of each neighbour walk, one line per step."""
    lines = []
    with app.app_context():
        connection = db.session.connection()
        for earlier, later in ((neighbours.window_size(), 0), (0, 5)):
            statement = neighbours._windows(len(diagnosis_ids), earlier, later)
            params = {"story": story_id, **{f"d{n}": d for n, d in enumerate(diagnosis_ids)}}
            compiled = statement.compile(db.engine)
            values = {**compiled.params, **params}
            if ON_SQLITE:
                plan = connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}",
                    tuple(values[name] for name in compiled.positiontup or ()),
                )
                lines += [row[-1] for row in plan]
            else:
                plan = connection.exec_driver_sql(f"EXPLAIN {compiled}", values)
                lines += [row[0].strip() for row in plan]
    return lines


def test_the_neighbour_walk_reads_an_index_range_with_a_limit(app, demo):
    with app.app_context():
        generate_stories(1500, seed=4)
        if not ON_SQLITE:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        diagnosis_ids = [1, 2]
    plan = _plans(app, 1000, diagnosis_ids)
    if ON_SQLITE:
        walks = [line for line in plan if line.startswith("SEARCH story_diagnoses")]
        assert len(walks) == 4 and all(
            "INDEX ix_story_diagnoses_diagnosis_id_story_id (diagnosis_id=? AND story_id" in line
            for line in walks
        ), plan
        lookups = [line for line in plan if line.startswith("SEARCH stories")]
        assert lookups and all("INTEGER PRIMARY KEY (rowid=?)" in line for line in lookups), plan
        assert not [line for line in plan if "TEMP B-TREE" in line or "SCAN stories" in line]
    else:
        assert not [line for line in plan if "Seq Scan" in line or line.startswith("Sort")], plan
        assert sum(line.startswith(("Limit", "->  Limit")) for line in plan) == 4, plan
