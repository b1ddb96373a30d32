"""public_counts: the counts behind menus and headings, kept in each change's transaction

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 23:20:00

`public_counts` (kind, key, n): public stories per language, country, topic, diagnosis (its
sub-diagnoses included) and diagnosis-topic pair, and published originals per country; moved
by the flush that changes a story (storyhub.models.public_counts). Backfilled here with the
application's own full count.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "public_counts",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_public_counts")),
    )
    from storyhub.models.public_counts import recount

    recount(op.get_bind())


def downgrade():
    op.drop_table("public_counts")
