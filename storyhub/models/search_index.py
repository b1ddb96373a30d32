"""The full-text index of published stories, kept in the database's own engine.

SQLite: an FTS5 table `story_search` (rowid = story id). PostgreSQL: a table `story_search`
with a `tsvector` built with the story language's text-search configuration and a GIN index.
Neither is a mapped model: their shape differs per dialect, so they are created here on
`create_all` (tests) and by migration 0003, and migrations/env.py leaves them out of
`flask db check`.

Rows are written when the ORM flushes a Story (publish, unpublish, edit, erase), in the same
transaction. Only published stories have a row, and a database trigger deletes a story's row
whenever its title, text, language or status changes by any path — so text that stops being
public leaves the index even when the change bypasses the ORM (it comes back on the next ORM
change or `flask search rebuild`). Queries still filter with `catalog.is_public()`: a
translation whose original is unpublished keeps its row but is never returned.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models.story import Story, StoryStatus
from storyhub.sanitize import html_to_text

# The markers search results use around matches; removed from indexed text so they are
# unambiguous when the snippet is escaped and turned into <mark>.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{MARK_START}{MARK_END}]")

# ISO 639-1 → PostgreSQL text-search configuration (stemming and stop words).
PG_CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

SQLITE_DDL = (
    # porter stems English; remove_diacritics lets "lucia" find "Lucía".
    "CREATE VIRTUAL TABLE IF NOT EXISTS story_search USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS story_search_forget_changed "
    "AFTER UPDATE OF title, body_html, language, status ON stories "
    "BEGIN DELETE FROM story_search WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS story_search_forget_deleted AFTER DELETE ON stories "
    "BEGIN DELETE FROM story_search WHERE rowid = old.id; END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS story_search_forget_changed",
    "DROP TRIGGER IF EXISTS story_search_forget_deleted",
    "DROP TABLE IF EXISTS story_search",
)

POSTGRES_DDL = (
    "CREATE TABLE IF NOT EXISTS story_search ("
    "story_id integer PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE, "
    "config text NOT NULL, title text NOT NULL, body text NOT NULL, "
    "document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_story_search_document ON story_search USING gin (document)",
    "CREATE OR REPLACE FUNCTION story_search_forget() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM story_search WHERE story_id = OLD.id; RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS story_search_forget_changed ON stories",
    "CREATE TRIGGER story_search_forget_changed "
    "AFTER UPDATE OF title, body_html, language, status ON stories "
    "FOR EACH ROW EXECUTE FUNCTION story_search_forget()",
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS story_search_forget_changed ON stories",
    "DROP FUNCTION IF EXISTS story_search_forget()",
    "DROP TABLE IF EXISTS story_search",
)

# The configuration is checked against the server's list, so an older PostgreSQL without,
# say, "armenian" falls back to "simple" instead of failing the publish.
_PG_INSERT = sa.text(
    "INSERT INTO story_search (story_id, config, title, body, document) "
    "SELECT :story_id, c.config, :title, :body, "
    "setweight(to_tsvector(c.config::regconfig, :title), 'A') || "
    "setweight(to_tsvector(c.config::regconfig, :body), 'B') "
    "FROM (SELECT COALESCE((SELECT cfgname::text FROM pg_catalog.pg_ts_config "
    "WHERE cfgname = :config LIMIT 1), 'simple') AS config) AS c"
)


def pg_config(language: str) -> str:
    return PG_CONFIGS.get(language.split("-")[0].lower(), "simple")


def _statements(dialect: str, drop: bool = False) -> tuple[str, ...]:
    if dialect == "sqlite":
        return SQLITE_DROP if drop else SQLITE_DDL
    if dialect == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES_DDL
    return ()


def create_index_objects(target: Any, connection: sa.Connection, **_: Any) -> None:
    for statement in _statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


def drop_index_objects(target: Any, connection: sa.Connection, **_: Any) -> None:
    for statement in _statements(connection.dialect.name, drop=True):
        connection.exec_driver_sql(statement)


sa.event.listen(db.metadata, "after_create", create_index_objects)
sa.event.listen(db.metadata, "before_drop", drop_index_objects)


def indexed_text(story: Story) -> tuple[str, str]:
    """Return the title and visible text readers see (never the private original)."""
    return _MARKERS.sub("", story.title), _MARKERS.sub("", html_to_text(story.body_html))


def forget(connection: sa.Connection, story_id: int) -> None:
    key = "rowid" if connection.dialect.name == "sqlite" else "story_id"
    connection.execute(sa.text(f"DELETE FROM story_search WHERE {key} = :id"), {"id": story_id})  # noqa: S608  (key is one of two literals)


def write(connection: sa.Connection, story: Story) -> bool:
    """Replace the story's row: present while it is published, absent otherwise."""
    forget(connection, story.id)
    if story.status is not StoryStatus.PUBLISHED:
        return False
    title, body = indexed_text(story)
    if connection.dialect.name == "sqlite":
        connection.execute(
            sa.text("INSERT INTO story_search (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": story.id, "title": title, "body": body},
        )
    elif connection.dialect.name == "postgresql":
        connection.execute(
            _PG_INSERT,
            {
                "story_id": story.id,
                "title": title,
                "body": body,
                "config": pg_config(story.language),
            },
        )
    return True


def write_many(connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Index new published stories given as column dicts (bulk loads that bypass the ORM)."""
    params = []
    for row in rows:
        title = _MARKERS.sub("", row["title"])
        body = _MARKERS.sub("", html_to_text(row["body_html"]))
        params.append({"id": row["id"], "story_id": row["id"], "title": title, "body": body,
                       "config": pg_config(row["language"])})  # fmt: skip
    if not params:
        return
    if connection.dialect.name == "sqlite":
        insert = "INSERT INTO story_search (rowid, title, body) VALUES (:id, :title, :body)"
        connection.execute(sa.text(insert), params)
    elif connection.dialect.name == "postgresql":
        connection.execute(_PG_INSERT, params)


@sa.event.listens_for(so.Session, "after_flush")
def _follow_story_changes(session: so.Session, _context: Any) -> None:
    """Keep each flushed story's row in step with it, inside the same transaction."""
    changed = [o for o in (*session.new, *session.dirty) if isinstance(o, Story)]
    deleted = [o for o in session.deleted if isinstance(o, Story)]
    if not changed and not deleted:
        return
    connection = session.connection()
    for story in changed:
        write(connection, story)
    for story in deleted:
        forget(connection, story.id)
