"""users.session_generation: a per-user counter in every session; bumping it ends them all.
Stored submission idempotency keys become digests bound to the browser session, so the
plain keys kept so far are dropped (they only guard a double click, seconds long).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute("UPDATE stories SET idempotency_key = NULL WHERE idempotency_key NOT LIKE 'demo-%'")


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_generation")
