"""diagnosis descriptions per language; search index knows diagnosis and topic names

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:50:00

- `diagnosis_names.description`: a short description of the diagnosis in that language,
  written by an administrator, shown at the top of the diagnosis page and on the index.
- The search index gains the names of each story's diagnoses and topics in every language
  (with their common spellings) and the author's name: SQLite's FTS5 table gets a third
  column `tags`; PostgreSQL's documents get them with weight C (and accent-free spellings of
  accented words with weight D). Every published story is indexed again, with the
  application's own index writer (storyhub.models.search_index), in batches.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 500
OLD_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS story_search USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def _reindex() -> None:
    from storyhub.models.search_index import create_index_objects, write_many

    bind = op.get_bind()
    create_index_objects(None, bind)
    last = 0
    while True:
        rows = (
            bind.execute(
                sa.text(
                    "SELECT id, title, body_html, language, author_name, translation_of_id, "
                    "update_of_id FROM stories WHERE status = 'published' AND id > :last "
                    "ORDER BY id LIMIT :batch"
                ),
                {"last": last, "batch": BATCH},
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        write_many(bind, [dict(row) for row in rows])
        last = rows[-1]["id"]


def upgrade():
    op.add_column(
        "diagnosis_names",
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS story_search")  # FTS5 tables cannot gain a column
    elif dialect == "postgresql":
        op.execute("DELETE FROM story_search")
    else:
        return
    _reindex()


def downgrade():
    with op.batch_alter_table("diagnosis_names") as batch:
        batch.drop_column("description")
    if op.get_bind().dialect.name == "sqlite":
        # The two-column table, empty: `flask search rebuild` at that version fills it.
        op.execute("DROP TABLE IF EXISTS story_search")
        op.execute(OLD_SQLITE_TABLE)
