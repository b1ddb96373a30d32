"""Every public URL does work bounded by its page, not by the number of stories.

Timing pages at 100k stories takes minutes; the database's own plan says it at any size. On
SQLite (no statistics, so the plan depends only on the schema and the query) every statement
a public URL runs per request is explained, and none may read the whole stories table (nor all
its published rows) without a LIMIT: each walks an index or a key range and stops at its page.
The counts in menus and headings are kept by each change (public_counts), so nothing is left to
count when content changes: each URL is measured right after a change to published content
(a new publish generation, where everything kept per generation is made again) and nothing it
runs then may read every story either, nor every link of a diagnosis or topic to its stories.
The sitemap is also checked for its shape: blocks of ids, each with a fixed number of queries
whatever the size.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from lxml import etree

from storyhub import cache_versions
from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services import catalog
from storyhub.services.tools.synthetic import generate_stories
from tests.plugins.app import TEST_DATABASE_URL
from tests.system.test_query_counts import counting

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PUBLIC_URLS = [
    "/",
    "/stories/",
    "/stories/?language=it",
    "/stories/?diagnosis=systemic-sclerosis&country=IT",
    "/stories/?topic=calcinosis",
    "/stories/?page=3",
    "/topics/",
    "/topics/calcinosis",
    "/diagnoses/",
    "/diagnoses/systemic-sclerosis",
    "/languages/en",
    "/search?q=hands",
    "/search?q=hands&page=2",
    "/feeds/stories.atom",
    "/feeds/topics/calcinosis.atom",
    "/feeds/diagnoses/morphea.atom",
    "/sitemap.xml",
    "/sitemaps/pages.xml",
    "/sitemaps/stories-0.xml",
    "/robots.txt",
    "/api/v1/",
    "/api/v1/stories",
    "/api/v1/diagnoses",
    "/api/v1/topics",
]
# Reading the table, or all of its published rows (the status index with nothing else to
# narrow it), without a LIMIT to stop at.
# Or every link to stories (all of them, or all of one diagnosis or topic).
WHOLE_TABLE = re.compile(
    r"SCAN (stories|stories_\d+)\b|SEARCH (stories|stories_\d+) USING INDEX ix_stories_status_\w+ "
    r"\(status=\?\)$|SCAN story_(diagnoses|topics)\b|SEARCH story_(diagnoses|topics)\w* "
    r"USING (COVERING )?INDEX ix_story_\w+_(diagnosis|topic)_id \((diagnosis|topic)_id[=>]"
)


def _full_scans(statements: list[tuple[str, object]]) -> list[str]:
    """Statements whose SQLite plan reads the stories table without an index."""
    offenders = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            details = [row[-1] for row in plan]
            whole = any(WHOLE_TABLE.match(d) for d in details) or _every_original(
                statement, details
            )
            if whole and " LIMIT " not in statement:
                offenders.append(f"{' '.join(statement.split())}\n  plan: {details}")
    return offenders


def _every_original(statement: str, details: list[str]) -> bool:
    """`update_of_id IS NULL` served by the update_of_id index: every original matches it (the
    statement asks for no particular story's updates)."""
    by_update = "SEARCH stories USING INDEX ix_stories_update_of_id (update_of_id=?)"
    asks_for_updates = re.search(r"update_of_id (=|IN|BETWEEN)", statement)
    return by_update in details and asks_for_updates is None


def _skips_rows(statement: str, parameters: object) -> bool:
    """The statement has an OFFSET that is not SQLite's `LIMIT ? OFFSET 0` (which its dialect
    writes after every LIMIT, subqueries' included)."""
    for offset in re.finditer(r"\bOFFSET\b\s*(\?|\d+)", statement, re.I):
        if offset.group(1) != "?":
            if offset.group(1) != "0":
                return True
            continue
        position = statement[: offset.start()].count("?")
        if not (isinstance(parameters, tuple) and parameters[position] == 0):
            return True
    return False


def _keeper(statements: list[tuple[str, object]]):  # type: ignore[no-untyped-def]
    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    return keep


@pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("sqlite"),
    reason="SQLite's plans depend on the schema only; PostgreSQL's on table statistics",
)
def test_no_public_url_reads_every_story(app, demo):
    with app.app_context():
        generate_stories(200, seed=5)
        story_id = db.session.scalar(
            sa.select(sa.func.max(Story.id)).where(catalog.is_public(), catalog.is_original())
        )
    story_urls = [
        f"/stories/{story_id}",
        f"/stories/{story_id}/like",
        f"/api/v1/stories/{story_id}",
    ]
    client = app.test_client()
    for url in [*PUBLIC_URLS, *story_urls]:
        statements: list[tuple[str, object]] = []
        keep = _keeper(statements)

        # Once, so the page cache has seen it; then, right after a change to public content
        # (everything kept per generation made again), a URL the page cache has not seen.
        assert client.get(url, follow_redirects=True).status_code == 200, url
        probe = f"{url}{'&' if '?' in url else '?'}probe=1"
        with app.app_context():
            cache_versions.invalidate()
            sa.event.listen(db.engine, "before_cursor_execute", keep)
            try:
                response = client.get(probe, follow_redirects=True)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", keep)
            assert response.status_code == 200, url
            offenders = _full_scans(statements)
        assert not offenders, (url, offenders)
        # No OFFSET: old ?page=N links walk the keyset a page at a time; search pages are cut
        # from the ranked ids. (SQLite's dialect writes `OFFSET 0` after every LIMIT.)
        offsets = [(s, p) for s, p in statements if _skips_rows(s, p)]
        assert not offsets, (url, offsets)


def _story_paths(client, sitemap_path: str) -> list[str]:  # type: ignore[no-untyped-def]
    root = etree.fromstring(client.get(sitemap_path).data)
    return [urlsplit(u.findtext(f"{SITEMAP}loc")).path for u in root.iter(f"{SITEMAP}url")]


def test_sitemap_index_has_one_sitemap_per_block_of_ids(app, demo, monkeypatch):
    monkeypatch.setattr(catalog, "SITEMAP_BLOCK", 40)
    client = app.test_client()
    per_block_queries = []
    for size, seed in ((20, 1), (200, 2)):
        with app.app_context():
            generate_stories(size, seed=seed)
            highest = db.session.scalar(sa.select(sa.func.max(Story.id)))
            public = set(
                db.session.scalars(
                    sa.select(Story.id).where(catalog.is_public(), Story.update_of_id.is_(None))
                )
            )
        index = etree.fromstring(client.get(f"/sitemap.xml?size={size}").data)
        parts = [
            urlsplit(s.findtext(f"{SITEMAP}loc")).path for s in index.iter(SITEMAP + "sitemap")
        ]
        blocks = [p for p in parts if p.startswith("/sitemaps/stories-")]
        assert parts[0] == "/sitemaps/pages.xml" and len(blocks) == -(-highest // 40)
        listed: set[int] = set()
        for number, path in enumerate(blocks):
            with counting(app) as statements:
                paths = _story_paths(client, f"{path}?size={size}")
            per_block_queries.append(len(statements))
            ids = {int(p.split("/")[2].split("-")[0]) for p in paths}
            assert all(number * 40 < i <= (number + 1) * 40 for i in ids), (path, ids)
            listed |= ids
        assert listed == public
        assert client.get(f"/sitemaps/stories-{len(blocks)}.xml").status_code == 404
    # A block costs the same few queries at any size.
    assert max(per_block_queries) <= 6, per_block_queries
