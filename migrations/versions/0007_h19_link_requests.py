"""h19: /my/ link requests, and a submitter's next manage token

Revision ID: 0007_h19_link_requests
Revises: 0006
Create Date: 2026-12-01 23:25:52

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_h19_link_requests"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "link_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_requests")),
    )
    with op.batch_alter_table("link_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_requests_address_hash"), ["address_hash"])
        batch_op.create_index(batch_op.f("ix_link_requests_handled_at"), ["handled_at"])

    with op.batch_alter_table("submitters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_submitters_next_token_hash"), ["next_token_hash"]
        )


def downgrade():
    with op.batch_alter_table("submitters", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_submitters_next_token_hash"), type_="unique")
        batch_op.drop_column("next_token_hash")

    with op.batch_alter_table("link_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_requests_handled_at"))
        batch_op.drop_index(batch_op.f("ix_link_requests_address_hash"))

    op.drop_table("link_requests")
