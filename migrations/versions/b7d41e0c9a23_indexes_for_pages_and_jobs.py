"""Indexes for the pages and the scheduler: tasks by submission, action and component role; events by time

Revision ID: b7d41e0c9a23
Revises: b7d1e0c4a9f2
Create Date: 2026-12-01 14:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d41e0c9a23'
down_revision = 'b7d1e0c4a9f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index('ix_tasks_component_role', ['component_id', 'role', 'closed_at', 'due'], unique=False)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_component_role')
        batch_op.drop_index(batch_op.f('ix_tasks_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_submission_id'))
