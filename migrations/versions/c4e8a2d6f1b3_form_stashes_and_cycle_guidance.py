"""Refused forms kept across their redirect (form_stashes); the SPU's guidance text of a cycle

Revision ID: c4e8a2d6f1b3
Revises: c4e8a1d2f6b3
Create Date: 2026-12-01 16:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import cpas_workflow.core.db

# revision identifiers, used by Alembic.
revision = 'c4e8a2d6f1b3'
down_revision = 'c4e8a1d2f6b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_stashes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('created_at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'key'),
    )
    with op.batch_alter_table('form_stashes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_stashes_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guidance', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_column('guidance')
    with op.batch_alter_table('form_stashes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_stashes_created_at'))
    op.drop_table('form_stashes')
