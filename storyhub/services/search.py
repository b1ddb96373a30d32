"""Full-text search over published stories with the database's own engine.

`search_stories` is the one entry point: SQLite answers with FTS5 (bm25 ranking, `snippet`),
PostgreSQL with `tsvector`s built in each story's language (`ts_rank_cd`, `ts_headline`).
Both rank title matches above text matches and mark matches with private-use characters that
are turned into <mark> only after the text around them is escaped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.dialects import postgresql

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.models.search_index import (
    MARK_END,
    MARK_START,
    PG_CONFIGS,
    create_index_objects,
    write,
)
from storyhub.services import catalog

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_WORDS = 28
# Ranking costs per matching story, and a common word matches a share of the whole site: only
# the newest matches (by id: stories are indexed as they are published) are ranked, so a search
# costs the same at a thousand stories or a million. The best of them come first; older
# stories stay reachable through more words, the listings and their filters.
RANKED_CANDIDATES = 1000
_WORD = re.compile(r"\w+")

_sqlite_index = sa.table(
    "story_search", sa.column("rowid", sa.Integer), sa.column("title"), sa.column("body")
)
_pg_index = sa.table(
    "story_search",
    sa.column("story_id", sa.Integer),
    sa.column("config", sa.Text),
    sa.column("title", sa.Text),
    sa.column("body", sa.Text),
    sa.column("document", postgresql.TSVECTOR),
)


@dataclass
class SearchHit:
    teaser: catalog.Teaser
    title: Markup  # escaped, with <mark> around matched words
    snippet: Markup


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    has_more: bool
    searched: bool  # False when the query had no words to look for


def query_terms(query: str) -> list[str]:
    """The words searched for: letters and digits only, so no engine syntax gets through."""
    return _WORD.findall(query[:MAX_QUERY_LENGTH])[:MAX_TERMS]


def highlight(marked: str) -> Markup:
    """Escape text from the index, then turn the match markers into <mark> elements."""
    escaped = Markup.escape(" ".join(marked.split()))
    return escaped.replace(MARK_START, Markup("<mark>")).replace(MARK_END, Markup("</mark>"))


def _sqlite_rows(terms: list[str], offset: int, limit: int) -> list[tuple[int, str, str]]:
    fts = sa.literal_column("story_search")
    rowid = _sqlite_index.c.rowid
    # Each word quoted: all must appear (AND), and FTS5 operators in the input mean nothing.
    match = fts.op("MATCH")(" ".join('"' + term.replace('"', "") + '"' for term in terms))
    newest = sa.select(rowid).where(match).order_by(rowid.desc()).limit(RANKED_CANDIDATES)
    oldest_ranked = sa.select(sa.func.min(newest.subquery().c.rowid)).scalar_subquery()
    rank = sa.func.bm25(fts, 5.0, 1.0)  # a title match weighs five times a text match
    page = list(
        db.session.scalars(
            sa.select(Story.id)
            .select_from(_sqlite_index)
            .join(Story, Story.id == rowid)
            .where(match, rowid >= oldest_ranked, catalog.is_public())
            .order_by(rank, Story.published_at.desc(), Story.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )
    if not page:
        return []
    # Marked titles and snippets for this page only: SQLite would make them for every match.
    marked = {
        story_id: (title, snippet)
        for story_id, title, snippet in db.session.execute(
            sa.select(
                rowid,
                sa.func.highlight(fts, 0, MARK_START, MARK_END),
                sa.func.snippet(fts, 1, MARK_START, MARK_END, "…", SNIPPET_WORDS),
            ).where(match, rowid.in_(page))
        )
    }
    return [(story_id, *marked[story_id]) for story_id in page if story_id in marked]


@lru_cache(maxsize=8)
def _pg_configs(url: str) -> tuple[str, ...]:
    """The text-search configurations this server has, among those the index uses."""
    wanted = sorted({*PG_CONFIGS.values(), "simple"})
    present = db.session.scalars(
        sa.text("SELECT cfgname::text FROM pg_catalog.pg_ts_config WHERE cfgname::text IN :n")
        .bindparams(sa.bindparam("n", expanding=True))
        .params(n=wanted)
    )
    return tuple(sorted(present))


def _postgres_rows(terms: list[str], offset: int, limit: int) -> list[sa.Row]:
    index = _pg_index
    text = " ".join(terms)

    def tsquery(config: sa.ColumnElement[str] | str) -> sa.ColumnElement[object]:
        return sa.func.plainto_tsquery(sa.cast(config, postgresql.REGCONFIG), text)

    url = db.engine.url.render_as_string(hide_password=True)
    configs = _pg_configs(url)
    # Each story's words were stemmed in its own language, so the query is stemmed the same
    # way: one branch per configuration. The branches alone defeat the planner (it walks the
    # table checking each row against every branch), so first one condition the GIN index
    # answers: the query stemmed in every language at once (`||` is OR for tsqueries).
    in_any_language = functools.reduce(
        lambda left, right: left.op("||")(right), (tsquery(config) for config in configs)
    )
    matches = sa.and_(
        index.c.document.op("@@")(in_any_language),
        sa.or_(
            *(
                sa.and_(index.c.config == config, index.c.document.op("@@")(tsquery(config)))
                for config in configs
            )
        ),
    )
    own_query = tsquery(index.c.config)
    newest = (
        sa.select(index.c.story_id)
        .where(matches)
        .order_by(index.c.story_id.desc())
        .limit(RANKED_CANDIDATES)
        .subquery()
    )
    # Rank the candidates by key: a range condition here would let the planner walk the table.
    ranked = (
        sa.select(
            index.c.story_id,
            sa.func.ts_rank_cd(index.c.document, own_query).label("rank"),
            Story.published_at,
        )
        .select_from(newest)
        .join(index, index.c.story_id == newest.c.story_id)
        .join(Story, Story.id == index.c.story_id)
        .where(catalog.is_public())
        .order_by(sa.desc("rank"), Story.published_at.desc(), Story.id.desc())
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    # Headlines are costly: make them for the one page of results only.
    marks = f'StartSel="{MARK_START}", StopSel="{MARK_END}"'
    statement = (
        sa.select(
            index.c.story_id,
            sa.func.ts_headline(
                sa.cast(index.c.config, postgresql.REGCONFIG),
                index.c.title,
                own_query,
                f"HighlightAll=true, {marks}",
            ),
            sa.func.ts_headline(
                sa.cast(index.c.config, postgresql.REGCONFIG),
                index.c.body,
                own_query,
                f"MaxFragments=2, MaxWords={SNIPPET_WORDS}, MinWords=12, "
                f'FragmentDelimiter=" … ", {marks}',
            ),
        )
        .join(ranked, ranked.c.story_id == index.c.story_id)
        .order_by(ranked.c.rank.desc(), ranked.c.published_at.desc(), index.c.story_id.desc())
    )
    return list(db.session.execute(statement))


def search_stories(query: str, page: int = 1, per_page: int = 20) -> SearchResults:
    """Return one page of published stories matching every word of `query`, best first."""
    terms = query_terms(query)
    if not terms:
        return SearchResults(query=query, hits=[], has_more=False, searched=False)
    offset = (page - 1) * per_page
    dialect = db.session.get_bind().dialect.name
    fetch = _postgres_rows if dialect == "postgresql" else _sqlite_rows
    rows = fetch(terms, offset, per_page + 1)
    stories = catalog.public_rows_by_id([row[0] for row in rows[:per_page]])
    found = [row for row in rows[:per_page] if row[0] in stories]
    teasers = catalog.teasers([stories[row[0]] for row in found], with_translations=False)
    hits = [
        SearchHit(teaser=teaser, title=highlight(title), snippet=highlight(snippet))
        for teaser, (_story_id, title, snippet) in zip(teasers, found, strict=True)
    ]
    return SearchResults(query=query, hits=hits, has_more=len(rows) > per_page, searched=True)


def rebuild_index() -> int:
    """Re-create missing index objects (a SQLite batch migration drops triggers) and rewrite
    every story's row; return how many published stories are indexed."""
    connection = db.session.connection()
    create_index_objects(None, connection)
    stories = db.session.scalars(sa.select(Story).execution_options(yield_per=500))
    count = sum(write(connection, story) for story in stories)
    db.session.commit()
    return count
