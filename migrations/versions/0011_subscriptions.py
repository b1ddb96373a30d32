"""Follow a diagnosis or a topic by e-mail: subscriptions, List-Unsubscribe on outbox mail

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("diagnosis_id", sa.Integer(), nullable=True),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(diagnosis_id IS NULL) <> (topic_id IS NULL)",
            name=op.f("ck_subscriptions_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["diagnosis_id"],
            ["diagnoses.id"],
            name=op.f("fk_subscriptions_diagnosis_id_diagnoses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_subscriptions_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    op.create_index("ix_subscriptions_address_hash", "subscriptions", ["address_hash"])
    op.create_index(op.f("ix_subscriptions_diagnosis_id"), "subscriptions", ["diagnosis_id"])
    op.create_index(op.f("ix_subscriptions_topic_id"), "subscriptions", ["topic_id"])
    # Plain ADD COLUMN (no batch copy of the table).
    op.add_column(
        "outbox_messages", sa.Column("unsubscribe_url", sa.String(length=500), nullable=True)
    )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("unsubscribe_url")
    op.drop_index(op.f("ix_subscriptions_topic_id"), table_name="subscriptions")
    op.drop_index(op.f("ix_subscriptions_diagnosis_id"), table_name="subscriptions")
    op.drop_index("ix_subscriptions_address_hash", table_name="subscriptions")
    op.drop_table("subscriptions")
