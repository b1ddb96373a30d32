"""a story's neighbours under a diagnosis: index story_diagnoses by (diagnosis_id, story_id)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 23:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_story_diagnoses_diagnosis_id_story_id",
        "story_diagnoses",
        ["diagnosis_id", "story_id"],
    )
    op.drop_index("ix_story_diagnoses_diagnosis_id", table_name="story_diagnoses")


def downgrade():
    op.create_index("ix_story_diagnoses_diagnosis_id", "story_diagnoses", ["diagnosis_id"])
    op.drop_index("ix_story_diagnoses_diagnosis_id_story_id", table_name="story_diagnoses")
