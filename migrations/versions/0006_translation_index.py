"""published translations of a page of stories: index translation_of_id with status

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 01:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_stories_translation_of_id_status", "stories", ["translation_of_id", "status"]
    )
    op.drop_index("ix_stories_translation_of_id", table_name="stories")


def downgrade():
    op.create_index("ix_stories_translation_of_id", "stories", ["translation_of_id"])
    op.drop_index("ix_stories_translation_of_id_status", table_name="stories")
