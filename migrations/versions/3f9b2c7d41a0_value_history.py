"""history of indicator values changed after their first submission

Revision ID: 3f9b2c7d41a0
Revises: b7d3e51a9c20
Create Date: 2026-12-01 13:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import cpas_workflow.core.db


# revision identifiers, used by Alembic.
revision = '3f9b2c7d41a0'
down_revision = 'b7d3e51a9c20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_value_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('old_number', sa.Float(), nullable=True),
    sa.Column('old_text', sa.String(length=100), nullable=True),
    sa.Column('old_no_data_reason', sa.Text(), nullable=True),
    sa.Column('new_number', sa.Float(), nullable=True),
    sa.Column('new_text', sa.String(length=100), nullable=True),
    sa.Column('new_no_data_reason', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_indicator_value_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['indicator_id'], ['framework_indicators.id'], name=op.f('fk_indicator_value_changes_indicator_id_framework_indicators')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_indicator_value_changes_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value_changes'))
    )
    with op.batch_alter_table('indicator_value_changes', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_value_changes_value', ['submission_id', 'indicator_id'], unique=False)


def downgrade():
    with op.batch_alter_table('indicator_value_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_value_changes_value')

    op.drop_table('indicator_value_changes')
