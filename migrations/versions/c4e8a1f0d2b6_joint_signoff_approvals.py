"""joint sign-off: approvals collected before a transition fires

Revision ID: c4e8a1f0d2b6
Revises: c4e8a1d2f6b3
Create Date: 2026-12-01 16:40:00

"""

from alembic import op
import sqlalchemy as sa

from cpas_workflow.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = "c4e8a1f0d2b6"
down_revision = "c4e8a1d2f6b3"
branch_labels = None
depends_on = None

OPEN = sa.text("closed_at IS NULL")


def upgrade():
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("trigger", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_approvals_cycle_id", "approvals", ["cycle_id"], unique=False)
    op.create_index(
        "uq_approvals_open",
        "approvals",
        ["subject", "trigger", "user_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade():
    op.drop_index("uq_approvals_open", table_name="approvals")
    op.drop_index("ix_approvals_cycle_id", table_name="approvals")
    op.drop_table("approvals")
