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

from storyhub import vocabulary
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
    # `tags`: the story's diagnosis and topic names in every language and the author's name.
    "CREATE VIRTUAL TABLE IF NOT EXISTS story_search USING fts5("
    "title, body, tags, tokenize = 'porter unicode61 remove_diacritics 2')",
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
# Weights: title A, text B, tags (names of diagnoses and topics, author) C, and D for the
# accent-free spelling of the text's accented words, so "fenomeno" finds "fenómeno" as FTS5's
# remove_diacritics does on SQLite.
_PG_INSERT = sa.text(
    "INSERT INTO story_search (story_id, config, title, body, document) "
    "SELECT :story_id, c.config, :title, :body, "
    "setweight(to_tsvector(c.config::regconfig, :title), 'A') || "
    "setweight(to_tsvector(c.config::regconfig, :body), 'B') || "
    "setweight(to_tsvector(c.config::regconfig, :tags), 'C') || "
    "setweight(to_tsvector(c.config::regconfig, :folded), 'D') "
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


def accent_free_words(text: str) -> str:
    """The accented words of `text` spelled without accents, once each (PostgreSQL only)."""
    changed = {vocabulary.fold(word) for word in _WORDS.findall(text) if not word.isascii()}
    return " ".join(sorted(word for word in changed if word.isascii()))


_WORDS = re.compile(r"\w+")
_story_diagnoses = sa.table(
    "story_diagnoses", sa.column("story_id", sa.Integer), sa.column("diagnosis_id", sa.Integer)
)
_story_topics = sa.table(
    "story_topics", sa.column("story_id", sa.Integer), sa.column("topic_id", sa.Integer)
)


def story_tags(connection: sa.Connection, stories: dict[int, tuple[int, str]]) -> dict[int, str]:
    """The `tags` text of each story, given as id → (id of the story whose diagnoses and topics
    apply, author name): the names and common spellings of its diagnoses (and the broader ones
    they belong to) and topics, in every language, and the author's name.

    Core queries on the flushing connection: a few rows of the small taxonomy tables, so a
    bulk load computes them once per batch."""
    source_ids = {source for source, _author in stories.values()}
    parents: dict[int, int | None] = {}
    # A slug names it too ("diagnosis-journey" → "diagnosis journey").
    diagnosis_names: dict[int, list[str]] = {}
    for diagnosis_id, parent_id, slug in connection.execute(
        sa.text("SELECT id, parent_id, slug FROM diagnoses")
    ):
        parents[diagnosis_id] = parent_id
        diagnosis_names.setdefault(diagnosis_id, []).append(slug.replace("-", " "))
    for diagnosis_id, name in connection.execute(
        sa.text("SELECT diagnosis_id, name FROM diagnosis_names")
    ):
        diagnosis_names.setdefault(diagnosis_id, []).append(name)
    topic_titles: dict[int, list[str]] = {
        topic_id: [slug.replace("-", " ")]
        for topic_id, slug in connection.execute(sa.text("SELECT id, slug FROM topics"))
    }
    for topic_id, title in connection.execute(sa.text("SELECT topic_id, title FROM topic_texts")):
        topic_titles.setdefault(topic_id, []).append(title)
    filed: dict[int, set[str]] = {}
    if source_ids:
        for story_id, diagnosis_id in connection.execute(
            sa.select(_story_diagnoses.c.story_id, _story_diagnoses.c.diagnosis_id).where(
                _story_diagnoses.c.story_id.in_(source_ids)
            )
        ):
            seen: set[int] = set()
            while diagnosis_id is not None and diagnosis_id not in seen:  # parents too
                seen.add(diagnosis_id)
                filed.setdefault(story_id, set()).update(
                    vocabulary.aliases(diagnosis_names.get(diagnosis_id, ()))
                )
                diagnosis_id = parents.get(diagnosis_id)
        for story_id, topic_id in connection.execute(
            sa.select(_story_topics.c.story_id, _story_topics.c.topic_id).where(
                _story_topics.c.story_id.in_(source_ids)
            )
        ):
            filed.setdefault(story_id, set()).update(
                vocabulary.aliases(topic_titles.get(topic_id, ()))
            )
    return {
        story_id: " ".join([_MARKERS.sub("", author), *sorted(filed.get(source, ()))])
        for story_id, (source, author) in stories.items()
    }


def forget(connection: sa.Connection, story_id: int) -> None:
    key = "rowid" if connection.dialect.name == "sqlite" else "story_id"
    connection.execute(sa.text(f"DELETE FROM story_search WHERE {key} = :id"), {"id": story_id})  # noqa: S608  (key is one of two literals)


def _insert(connection: sa.Connection, params: list[dict[str, Any]]) -> None:
    if not params:
        return
    if connection.dialect.name == "sqlite":
        insert = (
            "INSERT INTO story_search (rowid, title, body, tags) "
            "VALUES (:story_id, :title, :body, :tags)"
        )
        connection.execute(sa.text(insert), params)
    elif connection.dialect.name == "postgresql":
        for row in params:
            row["folded"] = accent_free_words(f"{row['title']} {row['body']} {row['tags']}")
        connection.execute(_PG_INSERT, params)


def write(connection: sa.Connection, story: Story) -> bool:
    """Replace the story's row: present while it is published, absent otherwise."""
    forget(connection, story.id)
    if story.status is not StoryStatus.PUBLISHED:
        return False
    title, body = indexed_text(story)
    source = story.translation_of_id or story.update_of_id or story.id
    tags = story_tags(connection, {story.id: (source, story.author_name)})[story.id]
    _insert(
        connection,
        [{"story_id": story.id, "title": title, "body": body, "tags": tags,
          "config": pg_config(story.language)}],
    )  # fmt: skip
    return True


def write_many(connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Index new published stories given as column dicts (bulk loads that bypass the ORM;
    their diagnoses and topics already linked)."""
    tags = story_tags(
        connection, {row["id"]: (_source_id_of(row), row["author_name"]) for row in rows}
    )
    _insert(
        connection,
        [{"story_id": row["id"], "title": _MARKERS.sub("", row["title"]),
          "body": _MARKERS.sub("", html_to_text(row["body_html"])), "tags": tags[row["id"]],
          "config": pg_config(row["language"])} for row in rows],
    )  # fmt: skip


def _source_id_of(row: dict[str, Any]) -> int:
    return row.get("translation_of_id") or row.get("update_of_id") or row["id"]


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
        state = sa.inspect(story)
        if state.attrs.diagnoses.history.has_changes() or state.attrs.topics.history.has_changes():
            # Translations and updates are tagged with their original's diagnoses and topics.
            for version in (*story.translations, *story.updates):
                if version not in changed:
                    write(connection, version)
    for story in deleted:
        forget(connection, story.id)
