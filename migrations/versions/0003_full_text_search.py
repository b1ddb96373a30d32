"""full-text search index of published stories

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00.000000

SQLite: an FTS5 table. PostgreSQL: a table with a tsvector per story (the story language's
text-search configuration) and a GIN index. On both, triggers delete a story's row when its
title, text, language or status changes, or the story is deleted; the application writes the
row again for published stories (storyhub/models/search_index.py keeps the same DDL for
`create_all`). These objects are not mapped models: migrations/env.py leaves them out of
`flask db check`.

Note for later migrations: rebuilding `stories` in SQLite batch mode drops its triggers;
re-run the two CREATE TRIGGER statements below afterwards (`flask search rebuild` does it too).
"""
import html
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS story_search USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS story_search_forget_changed "
    "AFTER UPDATE OF title, body_html, language, status ON stories "
    "BEGIN DELETE FROM story_search WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS story_search_forget_deleted AFTER DELETE ON stories "
    "BEGIN DELETE FROM story_search WHERE rowid = old.id; END",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS story_search_forget_changed",
    "DROP TRIGGER IF EXISTS story_search_forget_deleted",
    "DROP TABLE IF EXISTS story_search",
)
POSTGRES_UP = (
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
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS story_search_forget_changed ON stories",
    "DROP FUNCTION IF EXISTS story_search_forget()",
    "DROP TABLE IF EXISTS story_search",
)
PG_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}


def _text(markup):
    """Visible text of the stored, already sanitised HTML (as storyhub.sanitize.html_to_text)."""
    text = re.sub(r"</p>\s*", "\n\n", markup or "")
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return re.sub("[\ue000\ue001]", "", text).strip()


def _index_published_stories(dialect):
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, title, body_html, language FROM stories WHERE status = 'published'")
    ).fetchall()
    for story_id, title, body_html, language in rows:
        title = re.sub("[\ue000\ue001]", "", title)
        if dialect == "sqlite":
            bind.execute(
                sa.text("INSERT INTO story_search (rowid, title, body) VALUES (:id, :t, :b)"),
                {"id": story_id, "t": title, "b": _text(body_html)},
            )
        else:
            bind.execute(
                sa.text(
                    "INSERT INTO story_search (story_id, config, title, body, document) "
                    "SELECT :id, c.config, :t, :b, "
                    "setweight(to_tsvector(c.config::regconfig, :t), 'A') || "
                    "setweight(to_tsvector(c.config::regconfig, :b), 'B') "
                    "FROM (SELECT COALESCE((SELECT cfgname::text FROM pg_catalog.pg_ts_config "
                    "WHERE cfgname = :config LIMIT 1), 'simple') AS config) AS c"
                ),
                {
                    "id": story_id,
                    "t": title,
                    "b": _text(body_html),
                    "config": PG_CONFIGS.get((language or "").split("-")[0].lower(), "simple"),
                },
            )


def upgrade():
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(dialect, ())
    for statement in statements:
        op.execute(statement)
    if statements:
        _index_published_stories(dialect)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(dialect, ()):
        op.execute(statement)
