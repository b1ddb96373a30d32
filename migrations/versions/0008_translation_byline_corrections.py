"""translations keep their original's byline (translator credit apart); moderators' corrections
of language, country and relation are revisions with a reason

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_REVISION_COLUMNS = (
    ("language", 35),
    ("country", 2),
    ("relation", 20),
)


def upgrade():
    with op.batch_alter_table("stories") as batch:
        batch.add_column(
            sa.Column("translator_name", sa.String(80), nullable=False, server_default="")
        )
    with op.batch_alter_table("story_revisions") as batch:
        for name, length in _REVISION_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=False, server_default=""))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    # A translation published under another name than its original's (the old translate form
    # offered the name as an editable field) gets the original's byline back. The replaced
    # name is not turned into a "Translated by" credit: it may be the author's own name
    # written in another script, and a credit is the translator's choice, made on their page.
    op.execute(
        """
        UPDATE stories SET
            author_name = (SELECT o.author_name FROM stories o WHERE o.id = stories.translation_of_id),
            agreed_author_name = (SELECT o.author_name FROM stories o WHERE o.id = stories.translation_of_id)
        WHERE translation_of_id IS NOT NULL
          AND author_name <> (SELECT o.author_name FROM stories o WHERE o.id = stories.translation_of_id)
        """
    )


def downgrade():
    with op.batch_alter_table("story_revisions") as batch:
        batch.drop_column("reason")
        for name, _length in reversed(_REVISION_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("translator_name")
