"""/my/ link requests, a submitter's next manage token, assisted entry (volunteers), appeals

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:25:52

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
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

    # Assisted entry and appeals. Plain ADD COLUMN, not batch mode: SQLite's batch mode copies
    # the table and would drop the search-index triggers on stories (0003).
    op.add_column("stories", sa.Column("arrived_by", sa.String(length=20), nullable=True))
    # No foreign key: SQLite cannot add one without batch mode (accounts are deactivated,
    # never deleted, so the id stays meaningful).
    op.add_column("stories", sa.Column("entered_by_id", sa.Integer(), nullable=True))
    op.add_column(
        "stories",
        sa.Column("consent_note", sa.String(length=500), server_default="", nullable=False),
    )
    op.add_column(
        "stories", sa.Column("author_confirmed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "stories", sa.Column("appeal_message", sa.Text(), server_default="", nullable=False)
    )
    op.add_column("stories", sa.Column("appealed_at", sa.DateTime(timezone=True), nullable=True))

def downgrade():
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("appealed_at")
        batch_op.drop_column("appeal_message")
        batch_op.drop_column("author_confirmed_at")
        batch_op.drop_column("consent_note")
        batch_op.drop_column("entered_by_id")
        batch_op.drop_column("arrived_by")

    with op.batch_alter_table("submitters", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_submitters_next_token_hash"), type_="unique")
        batch_op.drop_column("next_token_hash")

    with op.batch_alter_table("link_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_requests_handled_at"))
        batch_op.drop_index(batch_op.f("ix_link_requests_address_hash"))

    op.drop_table("link_requests")
