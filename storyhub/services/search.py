"""Full-text search over published stories with the database's own engine.

`search_stories` is the one entry point: SQLite answers with FTS5 (bm25 ranking, `snippet`),
PostgreSQL with `tsvector`s built in each story's language (`ts_rank_cd`, `ts_headline`).
Both rank title matches above text matches and mark matches with private-use characters that
are turned into <mark> only after the text around them is escaped. Queries are read first
against the site's vocabulary (services/search_vocabulary.py): a diagnosis or topic the query
names is offered, and the stories filed under it come first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.dialects import postgresql

from storyhub.extensions import db
from storyhub.models import Story, story_diagnoses, story_topics
from storyhub.models.search_index import (
    MARK_END,
    MARK_START,
    PG_CONFIGS,
    create_index_objects,
    write,
)
from storyhub.services import catalog, search_vocabulary

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_WORDS = 28
# Ranking costs per matching story, and a common word matches a share of the whole site: only
# the newest matches (by id: stories are indexed as they are published) are ranked, so a search
# costs the same at a thousand stories or a million. The best of them come first; older
# stories stay reachable through more words, the listings and their filters.
RANKED_CANDIDATES = 1000
# Pages without OFFSET: a page's query returns the ranked ids up to the end of that page (at
# most RANKED_CANDIDATES, ranked whatever the page: sorting needs every candidate's rank) and
# the page is cut from them; titles and snippets are marked for that page's stories only.
_WORD = re.compile(r"\w+")

_sqlite_index = sa.table(
    "story_search",
    sa.column("rowid", sa.Integer),
    sa.column("title"),
    sa.column("body"),
    sa.column("tags"),
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
    filters: catalog.StoryFilters = field(default_factory=catalog.StoryFilters)
    count: int = 0  # stories found (among the RANKED_CANDIDATES newest matches)
    count_capped: bool = False  # more matched than were ranked: show "1,000+"
    offers: list[search_vocabulary.Offer] = field(default_factory=list)  # names in the query
    nearest: list[search_vocabulary.Offer] = field(default_factory=list)  # when none found
    broader: str = ""  # a query with fewer words, when none found


@dataclass(frozen=True)
class _Plan:
    """One search as the engines run it."""

    words: list[str]  # folded; every one must match (title, text or tags)
    raw_words: list[str]  # as typed, for highlighting accented words on PostgreSQL
    filters: catalog.StoryFilters
    diagnosis_ids: tuple[int, ...]  # stories filed under these rank first
    topic_ids: tuple[int, ...]


def highlight(marked: str) -> Markup:
    """Escape text from the index, then turn the match markers into <mark> elements."""
    escaped = Markup.escape(" ".join(marked.split()))
    return escaped.replace(MARK_START, Markup("<mark>")).replace(MARK_END, Markup("</mark>"))


def _source_id() -> sa.ColumnElement[int]:
    return sa.func.coalesce(Story.translation_of_id, Story.update_of_id, Story.id)


def _restricted(query: sa.Select[Any], plan: _Plan) -> sa.Select[Any]:
    """The reader's filters: diagnosis and topic of the story (or its original), language,
    country."""
    query = catalog.filed_under(query, plan.filters, _source_id())
    if plan.filters.language:
        query = query.where(Story.language == plan.filters.language)
    if plan.filters.country:
        query = query.where(Story.country == plan.filters.country)
    return query


def _named_first(plan: _Plan) -> sa.ColumnElement[int]:
    """1 for a story filed under a diagnosis or topic the query names, else 0: such stories
    come first."""
    conditions = []
    if plan.diagnosis_ids:
        conditions.append(
            sa.select(story_diagnoses.c.story_id)
            .where(
                story_diagnoses.c.story_id == _source_id(),
                story_diagnoses.c.diagnosis_id.in_(plan.diagnosis_ids),
            )
            .exists()
        )
    if plan.topic_ids:
        conditions.append(
            sa.select(story_topics.c.story_id)
            .where(
                story_topics.c.story_id == _source_id(),
                story_topics.c.topic_id.in_(plan.topic_ids),
            )
            .exists()
        )
    if not conditions:
        return sa.literal(0)
    return sa.case((sa.or_(*conditions), 1), else_=0)


def _count(candidates: sa.Select[Any], key: sa.ColumnElement[int], plan: _Plan) -> int:
    """Public stories among the ranked candidates that pass the filters."""
    subquery = candidates.subquery()
    counted = _restricted(
        sa.select(sa.func.count())
        .select_from(subquery)
        .join(Story, Story.id == subquery.c[key.name])
        .where(catalog.is_public()),
        plan,
    )
    return db.session.scalar(counted) or 0


def _sqlite_rows(
    plan: _Plan, offset: int, limit: int
) -> tuple[list[tuple[int, str, str]], int, bool]:
    fts = sa.literal_column("story_search")
    rowid = _sqlite_index.c.rowid
    # Each word quoted: all must appear (AND), and FTS5 operators in the input mean nothing.
    match = fts.op("MATCH")(" ".join('"' + word.replace('"', "") + '"' for word in plan.words))
    newest = sa.select(rowid).where(match).order_by(rowid.desc()).limit(RANKED_CANDIDATES)
    matched = db.session.scalar(sa.select(sa.func.count()).select_from(newest.subquery())) or 0
    count = _count(newest, rowid, plan)
    oldest_ranked = sa.select(sa.func.min(newest.subquery().c.rowid)).scalar_subquery()
    # Title five times the text, names of diagnoses, topics and author twice.
    rank = sa.func.bm25(fts, 5.0, 1.0, 2.0)
    page = list(
        db.session.scalars(
            _restricted(
                sa.select(Story.id)
                .select_from(_sqlite_index)
                .join(Story, Story.id == rowid)
                .where(match, rowid >= oldest_ranked, catalog.is_public()),
                plan,
            )
            .order_by(_named_first(plan).desc(), rank, Story.published_at.desc(), Story.id.desc())
            .limit(offset + limit)
        )
    )[offset:]
    if not page:
        return [], count, matched >= RANKED_CANDIDATES
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
    rows = [(story_id, *marked[story_id]) for story_id in page if story_id in marked]
    return rows, count, matched >= RANKED_CANDIDATES


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


def _postgres_rows(plan: _Plan, offset: int, limit: int) -> tuple[list[Any], int, bool]:
    index = _pg_index
    text = " ".join(plan.words)

    def tsquery(config: sa.ColumnElement[str] | str, words: str = text) -> sa.ColumnElement[Any]:
        return sa.func.plainto_tsquery(sa.cast(config, postgresql.REGCONFIG), words)

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
    newest_select = (
        sa.select(index.c.story_id)
        .where(matches)
        .order_by(index.c.story_id.desc())
        .limit(RANKED_CANDIDATES)
    )
    matched = db.session.scalar(sa.select(sa.func.count()).select_from(newest_select.subquery()))
    count = _count(newest_select, index.c.story_id, plan)
    newest = newest_select.subquery()
    named_first = _named_first(plan).label("named_first")
    # Rank the candidates by key: a range condition here would let the planner walk the table.
    ranked = (
        _restricted(
            sa.select(
                index.c.story_id,
                named_first,
                sa.func.ts_rank_cd(index.c.document, own_query).label("rank"),
                Story.published_at,
            )
            .select_from(newest)
            .join(index, index.c.story_id == newest.c.story_id)
            .join(Story, Story.id == index.c.story_id)
            .where(catalog.is_public()),
            plan,
        )
        .order_by(
            sa.desc("named_first"), sa.desc("rank"), Story.published_at.desc(), Story.id.desc()
        )
        .limit(offset + limit)
    )
    page = list(db.session.scalars(ranked))[offset:]
    if not page:
        return [], count, (matched or 0) >= RANKED_CANDIDATES
    # Headlines are costly: make them for the one page of results only. They mark the words
    # as typed too, since the accent-free spellings only exist in the document.
    shown = own_query.op("||")(tsquery(index.c.config, " ".join(plan.raw_words)))
    marks = f'StartSel="{MARK_START}", StopSel="{MARK_END}"'
    statement = sa.select(
        index.c.story_id,
        sa.func.ts_headline(
            sa.cast(index.c.config, postgresql.REGCONFIG),
            index.c.title,
            shown,
            f"HighlightAll=true, {marks}",
        ),
        sa.func.ts_headline(
            sa.cast(index.c.config, postgresql.REGCONFIG),
            index.c.body,
            shown,
            f"MaxFragments=2, MaxWords={SNIPPET_WORDS}, MinWords=12, "
            f'FragmentDelimiter=" … ", {marks}',
        ),
    ).where(index.c.story_id.in_(page))
    marked = {row[0]: row for row in db.session.execute(statement)}
    rows = [marked[story_id] for story_id in page if story_id in marked]
    return rows, count, (matched or 0) >= RANKED_CANDIDATES


def search_stories(
    query: str,
    page: int = 1,
    per_page: int = 20,
    filters: catalog.StoryFilters | None = None,
    locale: str = "en",
) -> SearchResults:
    """Return one page of published stories matching every word of `query`, best first:
    stories filed under a diagnosis or topic the query names, then by relevance. `locale` is
    the reader's language, for the names of the diagnoses and topics offered."""
    filters = filters or catalog.StoryFilters()
    reading = search_vocabulary.read_query(query[:MAX_QUERY_LENGTH])
    words = reading.words[:MAX_TERMS]
    if not words:
        return SearchResults(query=query, hits=[], has_more=False, searched=False, filters=filters)
    known = catalog.taxonomy()
    plan = _Plan(
        words=words,
        raw_words=_WORD.findall(query[:MAX_QUERY_LENGTH])[:MAX_TERMS],
        filters=filters,
        diagnosis_ids=tuple(
            i
            for e in reading.named
            if e.kind == "diagnosis"
            for i in known.diagnosis_subtrees.get(e.slug, ())
        ),
        topic_ids=tuple(
            known.topic_ids[e.slug]
            for e in reading.named
            if e.kind == "topic" and e.slug in known.topic_ids
        ),
    )
    offset = (page - 1) * per_page
    dialect = db.session.get_bind().dialect.name
    fetch = _postgres_rows if dialect == "postgresql" else _sqlite_rows
    rows, count, capped = fetch(plan, offset, per_page + 1)
    stories = catalog.public_rows_by_id([row[0] for row in rows[:per_page]])
    found = [row for row in rows[:per_page] if row[0] in stories]
    teasers = catalog.teasers([stories[row[0]] for row in found], with_translations=False)
    hits = [
        SearchHit(teaser=teaser, title=highlight(title), snippet=highlight(snippet))
        for teaser, (_story_id, title, snippet) in zip(teasers, found, strict=True)
    ]
    results = SearchResults(
        query=query,
        hits=hits,
        has_more=len(rows) > per_page,
        searched=True,
        filters=filters,
        count=count,
        count_capped=capped,
        offers=search_vocabulary.offers(reading.named, locale),
    )
    if not hits and page == 1:
        named = {(e.kind, e.slug) for e in reading.named}
        results.nearest = search_vocabulary.offers(
            [e for e in search_vocabulary.nearest(query) if (e.kind, e.slug) not in named],
            locale,
        )
        if len(words) > 1:
            results.broader = " ".join(words[:-1])
    return results


def rebuild_index() -> int:
    """Re-create missing index objects (a SQLite batch migration drops triggers) and rewrite
    every story's row; return how many published stories are indexed."""
    connection = db.session.connection()
    create_index_objects(None, connection)
    stories = db.session.scalars(sa.select(Story).execution_options(yield_per=500))
    count = sum(write(connection, story) for story in stories)
    db.session.commit()
    return count
